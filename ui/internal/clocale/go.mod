module a.slmscope/clocale

go 1.26
