package estimate

import (
	"errors"
	"fmt"
	"math"
)

// linearFit is a weighted least-squares fit of y ≈ X·θ with a Gaussian prior on θ:
//
//	minimise Σ w_i (y_i − x_i·θ)² + Σ_j λ_j (θ_j − μ_j)²
//
// which is ridge regression pulled toward the prior mean μ instead of zero. With λ = 0 it is
// ordinary weighted least squares; with no data it returns μ. Solved from the normal
// equations (XᵀWX + Λ) θ = XᵀWy + Λμ by Gaussian elimination with partial pivoting: the
// systems here have two or three unknowns.
func linearFit(x [][]float64, y, w, mu, lambda []float64) ([]float64, error) {
	p := len(mu)
	if len(lambda) != p {
		return nil, errors.New("prior mean and prior weight differ in length")
	}
	a := make([][]float64, p)
	for j := range a {
		a[j] = make([]float64, p+1)
		a[j][j] = lambda[j]
		a[j][p] = lambda[j] * mu[j]
	}
	for i := range x {
		if len(x[i]) != p {
			return nil, fmt.Errorf("row %d has %d features, want %d", i, len(x[i]), p)
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		for j := 0; j < p; j++ {
			for k := 0; k < p; k++ {
				a[j][k] += wi * x[i][j] * x[i][k]
			}
			a[j][p] += wi * x[i][j] * y[i]
		}
	}
	return solve(a)
}

// posteriorCovariance is linearFit's posterior covariance of θ for x, w and lambda (with unit
// noise per unit weight), (XᵀWX + Λ)⁻¹, and the fit's effective number of parameters, the
// trace of (XᵀWX + Λ)⁻¹XᵀWX = p − Σ_j λ_j ((XᵀWX + Λ)⁻¹)_jj: a term the prior or a bound
// holds counts for nothing, one the data alone set for one.
func posteriorCovariance(x [][]float64, w, lambda []float64) (cov [][]float64, params float64, err error) {
	p := len(lambda)
	cov = make([][]float64, p)
	params = float64(p)
	for c := 0; c < p; c++ {
		a := make([][]float64, p)
		for j := range a {
			a[j] = make([]float64, p+1)
			a[j][j] = lambda[j]
		}
		a[c][p] = 1
		for i := range x {
			for j := 0; j < p; j++ {
				for k := 0; k < p; k++ {
					a[j][k] += w[i] * x[i][j] * x[i][k]
				}
			}
		}
		if cov[c], err = solve(a); err != nil {
			return nil, 0, err
		}
		params -= lambda[c] * cov[c][c]
	}
	return cov, params, nil
}

// solve does Gaussian elimination on an augmented p×(p+1) matrix, with scaled partial
// pivoting: the pivot is the row whose entry is largest against the rest of that row. A term
// held at a bound has a prior weight of 10³⁰ on its own row; by plain magnitude that row
// would be picked as the pivot of other columns, and subtracting it from the others wipes
// out their digits.
func solve(a [][]float64) ([]float64, error) {
	p := len(a)
	scale := make([]float64, p)
	for r := range a {
		for k := 0; k < p; k++ {
			scale[r] = math.Max(scale[r], math.Abs(a[r][k]))
		}
		if scale[r] == 0 {
			scale[r] = 1
		}
	}
	for c := 0; c < p; c++ {
		piv := c
		for r := c + 1; r < p; r++ {
			if math.Abs(a[r][c])/scale[r] > math.Abs(a[piv][c])/scale[piv] {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-300 {
			return nil, errors.New("the measurements do not pin down the model (too few distinct sizes)")
		}
		a[c], a[piv] = a[piv], a[c]
		scale[c], scale[piv] = scale[piv], scale[c]
		for r := 0; r < p; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k <= p; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	out := make([]float64, p)
	for j := range out {
		out[j] = a[j][p] / a[j][j]
	}
	return out, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// rms is the root mean square of xs (0 for none).
func rms(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return math.Sqrt(s / float64(len(xs)))
}
