// Package estimate turns a model's shapes and this machine's measurements into the numbers
// slmscope shows: memory needed (exact weights per tensor and quantization recipe, exact KV
// cache, an overhead fitted on measured peak RSS), where the model fits (RAM, cgroup limit,
// GPU free memory, Apple's working-set cap, partial offload), decode and prompt speed
// (least-squares fits on measured twins with the measured bandwidth as prior, or published
// efficiency ranges for an unmeasured GPU, labelled "uncalibrated"), leave-one-out
// validation of those fits, and cost per million tokens beside a dated API price table.
//
// Every projection carries its inputs in a Basis string and structured fields, and an error
// band derived from fit residuals and leave-one-out errors: no number is a silent guess.
//
// Entry points: Project / ProjectWith (per model and quant), Validate, EstimateMemory, Judge,
// WeightsOf / Plan, KVCacheBytes, FitOverhead, FitSpeed, CostPerMillion, LoadPrices,
// LoadCalibration / SaveCalibration. Nothing here imports Fyne or needs cgo.
package estimate
