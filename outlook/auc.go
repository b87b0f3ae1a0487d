package outlook

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// AUC is the area under the ROC curve of scores for the positive labels:
// the probability that a random positive scores above a random negative,
// ties counting one half (the Mann-Whitney statistic with mid-ranks). It is
// NaN when either class is empty.
func AUC(scores []float64, positive []bool) (float64, error) {
	if len(scores) != len(positive) {
		return 0, fmt.Errorf("auc: %d scores for %d labels", len(scores), len(positive))
	}
	idx := make([]int, len(scores))
	for i := range idx {
		if math.IsNaN(scores[i]) {
			return 0, fmt.Errorf("auc: score %d is NaN", i)
		}
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	var nPos, nNeg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of the 1-based ranks i+1..j
		for _, k := range idx[i:j] {
			if positive[k] {
				nPos++
				rankSum += mid
			} else {
				nNeg++
			}
		}
		i = j
	}
	if nPos == 0 || nNeg == 0 {
		return math.NaN(), nil
	}
	return (rankSum - nPos*(nPos+1)/2) / (nPos * nNeg), nil
}
