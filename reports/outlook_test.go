package reports

import (
	"strings"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
)

// The reports render the outlook's reason codes in the report's language:
// in English exactly the sentence of the reasons column, in French with
// no English left and the numbers the French way.
func TestOutlookReasons(t *testing.T) {
	t.Parallel()
	en, _ := newLocale("en", "EUR")
	fr, _ := newLocale("fr", "EUR")
	tests := []struct {
		code   string
		values []float64
		fr     string
	}{
		{"new", []float64{6.14}, "premier achat il y a 6 semaines\u00a0: trop récent pour juger"},
		{"one_purchase", []float64{30}, "un seul jour d'achat, il y a 30 semaines\u00a0: pas de rythme d'achat pour juger"},
		{"overdue", []float64{19.3, 4.2, 0.184}, "dernier achat il y a 19 semaines pour un intervalle habituel de 4 semaines\u00a0: 18\u00a0% de chances qu'il achète encore"},
		{"active", []float64{2, 3.6, 0.97}, "dernier achat il y a 2 semaines, intervalle habituel de 4 semaines\u00a0: 97\u00a0% de chances qu'il achète encore"},
		{"no_model", []float64{12, 20}, "trop peu de partenaires pour ajuster le modèle\u00a0: 12 avec des achats répétés, 20 nécessaires"},
		{"short_history", []float64{8.6, 26}, "historique trop court pour ajuster le modèle\u00a0: 9 semaines, 26 nécessaires"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			if got, want := en.outlookReason(tt.code, tt.values), pipeline.OutlookReason(tt.code, tt.values); got != want {
				t.Errorf("en %q, the reasons column says %q", got, want)
			}
			got := fr.outlookReason(tt.code, tt.values)
			if got != tt.fr {
				t.Errorf("fr %q, want %q", got, tt.fr)
			}
			for _, w := range []string{"weeks", "purchase", "chance still", "ago"} {
				if strings.Contains(got, w) {
					t.Errorf("fr %q contains English %q", got, w)
				}
			}
		})
	}
}
