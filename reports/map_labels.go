package reports

// mapWords are the labels of the maps, apart from labels.go so that the
// maps and the other words of the reports change independently.
var mapWords = map[string]map[string]string{
	"en": {
		"coverage_map": "Coverage by department", "share_map": "Share of wallet by department",
		"region_map": "Map of the region", "other_departments": "other regions", "no_share": "no potential known",
		"credit": "Map: ",
	},
	"fr": {
		"coverage_map": "Couverture par département", "share_map": "Part de portefeuille par département",
		"region_map": "Carte de la région", "other_departments": "autres régions", "no_share": "potentiel inconnu",
		"credit": "Carte\u00a0: ",
	},
}

// mapT is the map label of key in the report's language.
func mapT(loc *locale, key string) string {
	if w, ok := mapWords[loc.lang][key]; ok {
		return w
	}
	return key
}
