package reports

// reasonTemplates are the sentences of the reason codes per language:
// {arg} is an argument as is, {arg:format} formatted (reasonArg). A rule
// with a ".unknown" variant uses it when the argument it needs is NULL.
// The English ones say what the reasons column says, with the report's
// number formats.
var reasonTemplates = map[string]map[string]string{
	"en": {
		// partner_scores
		"loyalty":               "{loyalty:word}: active {months} of the last 12 months",
		"status.no_potential":   "no supplier status: no potential (no declared revenue)",
		"status.zero_potential": "no supplier status: the declared potential is 0",
		"status":                "{status:status}: share of wallet {share:pct} of a potential of {potential:money} ({source:word})",
		"mode.inactive":         "prospecting: no purchase in 12 months",
		"mode.opportunistic":    "prospecting: opportunistic with a share under {max_share:pct}",
		"mode.no_share":         "development: no share of wallet to compare",
		"mode.development":      "development: share {share:pct} below the attainable {attainable:pct} ({percentile:ordinal} percentile of {profile})",
		"mode.cruise":           "cruise: share {share:pct} at or above the attainable {attainable:pct}",
		"plan.retention":        "retention plan: rank {rank} nationally, {as:as}",
		"as.cruise":             "in cruise",
		"as.loyal":              "loyal",
		"plan.support_new":      "support plan: first purchase {months} month(s) ago",
		"plan.support_line":     "support plan: targeted business line {business_line}",
		"plan.development":      "development plan: opportunity {opportunity:money} ≥ {min:money}",
		"plan.prospection":      "prospection plan: potential {potential:money} ≥ {min:money}",
		"plan.none":             "no plan",
		"coverage.field":        "field: value {value:money}, rank {rank} within the field capacity of {capacity}",
		"coverage.telesales":    "telesales",
		// region_coverage
		"uncovered.no_partner":  "uncovered: no partner of the master here",
		"uncovered.none_active": "uncovered: {partners} partner(s) in the master, potential {potential:money}, none active with us",
		"under.share":           "under-covered: share of wallet {share:pct} below {factor:num} × the median {median:pct}",
		"under.density":         "under-covered: {density:num2} active partners per {unit:money} of potential, below {factor:num} × the median {median:num2}",
		"over": "over-covered: {density:num2} active partners per {unit:money} of potential, at least {factor:num} × the median {median_density:num2}, " +
			"while the share of wallet {share:pct} is not above the median {median_share:pct}",
		"balanced.no_potential": "balanced: no potential to compare",
		"balanced":              "balanced: share of wallet {share:pct} (median {median_share:pct}), {density:num2} active partners per unit of potential (median {median_density:num2})",
		"national":              "the whole master",
		"unmapped":              "{partners} partner(s) whose postcode maps to no department: {list}",
		// recruitment_targets
		"target.partner":          "{loyalty:word} partner of the master in a department flagged {flag:word}, potential {potential:money}",
		"target.partner.unknown":  "{loyalty:word} partner of the master in a department flagged {flag:word}, potential unknown",
		"target.reseller":         "not in the master but bought {amount:money} through distributors in 12 months ({lines} lines), in a department flagged {flag:word}",
		"target.reseller.unknown": "not in the master but bought {amount:money} through distributors in 12 months ({lines} lines), department unknown",
	},
	"fr": {
		"loyalty":               "{loyalty:word}\u00a0: {months} mois d'achats sur 12",
		"status.no_potential":   "pas de statut fournisseur\u00a0: pas de potentiel (aucun chiffre d'affaires déclaré)",
		"status.zero_potential": "pas de statut fournisseur\u00a0: le potentiel déclaré est nul",
		"status":                "{status:status}\u00a0: part de portefeuille de {share:pct} d'un potentiel de {potential:money} ({source:word})",
		"mode.inactive":         "prospection\u00a0: aucun achat en 12 mois",
		"mode.opportunistic":    "prospection\u00a0: opportuniste avec une part inférieure à {max_share:pct}",
		"mode.no_share":         "développement\u00a0: pas de part de portefeuille à comparer",
		"mode.development":      "développement\u00a0: part de {share:pct} sous la part atteignable de {attainable:pct} ({percentile:ordinal} centile du profil {profile})",
		"mode.cruise":           "croisière\u00a0: part de {share:pct}, au moins la part atteignable de {attainable:pct}",
		"plan.retention":        "plan de fidélisation\u00a0: rang national {rank}, {as:as}",
		"as.cruise":             "en croisière",
		"as.loyal":              "fidèle",
		"plan.support_new":      "plan d'accompagnement\u00a0: premier achat il y a {months}\u00a0mois",
		"plan.support_line":     "plan d'accompagnement\u00a0: métier ciblé {business_line}",
		"plan.development":      "plan de développement\u00a0: opportunité de {opportunity:money} ≥ {min:money}",
		"plan.prospection":      "plan de prospection\u00a0: potentiel de {potential:money} ≥ {min:money}",
		"plan.none":             "sans plan",
		"coverage.field":        "terrain\u00a0: valeur de {value:money}, rang {rank} dans la capacité terrain de {capacity}",
		"coverage.telesales":    "télévente",
		"uncovered.no_partner":  "non couvert\u00a0: aucun partenaire de la base ici",
		"uncovered.none_active": "non couvert\u00a0: {partners} partenaire(s) dans la base, potentiel de {potential:money}, aucun n'achète chez nous",
		"under.share":           "sous-couvert\u00a0: part de portefeuille de {share:pct}, sous {factor:num} × la médiane de {median:pct}",
		"under.density":         "sous-couvert\u00a0: {density:num2} partenaires actifs par {unit:money} de potentiel, sous {factor:num} × la médiane de {median:num2}",
		"over": "sur-couvert\u00a0: {density:num2} partenaires actifs par {unit:money} de potentiel, au moins {factor:num} × la médiane de {median_density:num2}, " +
			"alors que la part de portefeuille de {share:pct} ne dépasse pas la médiane de {median_share:pct}",
		"balanced.no_potential":   "équilibré\u00a0: pas de potentiel à comparer",
		"balanced":                "équilibré\u00a0: part de portefeuille de {share:pct} (médiane {median_share:pct}), {density:num2} partenaires actifs par unité de potentiel (médiane {median_density:num2})",
		"national":                "toute la base",
		"unmapped":                "{partners} partenaire(s) dont le code postal ne correspond à aucun département\u00a0: {list}",
		"target.partner":          "partenaire {loyalty:word} de la base dans un département {flag:word}, potentiel de {potential:money}",
		"target.partner.unknown":  "partenaire {loyalty:word} de la base dans un département {flag:word}, potentiel inconnu",
		"target.reseller":         "hors base, a acheté pour {amount:money} via les distributeurs en 12 mois ({lines} lignes), dans un département {flag:word}",
		"target.reseller.unknown": "hors base, a acheté pour {amount:money} via les distributeurs en 12 mois ({lines} lignes), département inconnu",
	},
}
