package synth

import (
	"encoding/csv"
	"fmt"
	"io"
)

// department is one French département with the cities partners are placed in.
// Cities are "postcode City" pairs; the first one is the préfecture.
type department struct {
	code, name, region string
	weight             float64 // share of resellers, roughly business density
	cities             []string
}

// regions are the 18 regions of 2016 with their INSEE codes.
var regions = [][2]string{
	{"01", "Guadeloupe"},
	{"02", "Martinique"},
	{"03", "Guyane"},
	{"04", "La Réunion"},
	{"06", "Mayotte"},
	{"11", "Île-de-France"},
	{"24", "Centre-Val de Loire"},
	{"27", "Bourgogne-Franche-Comté"},
	{"28", "Normandie"},
	{"32", "Hauts-de-France"},
	{"44", "Grand Est"},
	{"52", "Pays de la Loire"},
	{"53", "Bretagne"},
	{"75", "Nouvelle-Aquitaine"},
	{"76", "Occitanie"},
	{"84", "Auvergne-Rhône-Alpes"},
	{"93", "Provence-Alpes-Côte d'Azur"},
	{"94", "Corse"},
}

// departments lists the 101 départements in INSEE order.
var departments = []department{
	{"01", "Ain", "84", 1, []string{"01000 Bourg-en-Bresse", "01500 Ambérieu-en-Bugey", "01100 Oyonnax"}},
	{"02", "Aisne", "32", 1, []string{"02000 Laon", "02100 Saint-Quentin", "02200 Soissons"}},
	{"03", "Allier", "84", 0.8, []string{"03000 Moulins", "03100 Montluçon", "03200 Vichy"}},
	{"04", "Alpes-de-Haute-Provence", "93", 0.5, []string{"04000 Digne-les-Bains", "04100 Manosque"}},
	{"05", "Hautes-Alpes", "93", 0.5, []string{"05000 Gap", "05100 Briançon"}},
	{"06", "Alpes-Maritimes", "93", 4, []string{"06000 Nice", "06400 Cannes", "06600 Antibes", "06130 Grasse", "06200 Nice"}},
	{"07", "Ardèche", "84", 0.6, []string{"07000 Privas", "07100 Annonay", "07200 Aubenas"}},
	{"08", "Ardennes", "44", 0.6, []string{"08000 Charleville-Mézières", "08200 Sedan"}},
	{"09", "Ariège", "76", 0.4, []string{"09000 Foix", "09100 Pamiers"}},
	{"10", "Aube", "44", 0.8, []string{"10000 Troyes", "10100 Romilly-sur-Seine"}},
	{"11", "Aude", "76", 0.8, []string{"11000 Carcassonne", "11100 Narbonne"}},
	{"12", "Aveyron", "76", 0.6, []string{"12000 Rodez", "12100 Millau"}},
	{"13", "Bouches-du-Rhône", "93", 7, []string{"13001 Marseille", "13008 Marseille", "13010 Marseille", "13015 Marseille", "13100 Aix-en-Provence", "13200 Arles", "13400 Aubagne", "13500 Martigues", "13300 Salon-de-Provence"}},
	{"14", "Calvados", "28", 1.2, []string{"14000 Caen", "14100 Lisieux", "14400 Bayeux"}},
	{"15", "Cantal", "84", 0.3, []string{"15000 Aurillac"}},
	{"16", "Charente", "75", 0.7, []string{"16000 Angoulême", "16100 Cognac"}},
	{"17", "Charente-Maritime", "75", 1.1, []string{"17000 La Rochelle", "17100 Saintes", "17300 Rochefort"}},
	{"18", "Cher", "24", 0.6, []string{"18000 Bourges", "18100 Vierzon"}},
	{"19", "Corrèze", "75", 0.5, []string{"19000 Tulle", "19100 Brive-la-Gaillarde"}},
	{"21", "Côte-d'Or", "27", 1.1, []string{"21000 Dijon", "21200 Beaune"}},
	{"22", "Côtes-d'Armor", "53", 1, []string{"22000 Saint-Brieuc", "22300 Lannion", "22100 Dinan"}},
	{"23", "Creuse", "75", 0.3, []string{"23000 Guéret"}},
	{"24", "Dordogne", "75", 0.7, []string{"24000 Périgueux", "24100 Bergerac"}},
	{"25", "Doubs", "27", 1.1, []string{"25000 Besançon", "25200 Montbéliard", "25300 Pontarlier"}},
	{"26", "Drôme", "84", 1, []string{"26000 Valence", "26200 Montélimar", "26100 Romans-sur-Isère"}},
	{"27", "Eure", "28", 1, []string{"27000 Évreux", "27200 Vernon", "27100 Val-de-Reuil"}},
	{"28", "Eure-et-Loir", "24", 0.8, []string{"28000 Chartres", "28100 Dreux"}},
	{"29", "Finistère", "53", 1.4, []string{"29000 Quimper", "29200 Brest", "29600 Morlaix"}},
	{"2A", "Corse-du-Sud", "94", 0.5, []string{"20000 Ajaccio", "20090 Ajaccio", "20137 Porto-Vecchio", "20100 Sartène"}},
	{"2B", "Haute-Corse", "94", 0.5, []string{"20200 Bastia", "20600 Bastia", "20250 Corte", "20260 Calvi"}},
	{"30", "Gard", "76", 1.2, []string{"30000 Nîmes", "30100 Alès", "30200 Bagnols-sur-Cèze"}},
	{"31", "Haute-Garonne", "76", 5, []string{"31000 Toulouse", "31100 Toulouse", "31200 Toulouse", "31400 Toulouse", "31500 Toulouse", "31700 Blagnac", "31770 Colomiers", "31600 Muret", "31670 Labège"}},
	{"32", "Gers", "76", 0.4, []string{"32000 Auch"}},
	{"33", "Gironde", "75", 5, []string{"33000 Bordeaux", "33300 Bordeaux", "33800 Bordeaux", "33700 Mérignac", "33600 Pessac", "33400 Talence", "33500 Libourne", "33130 Bègles"}},
	{"34", "Hérault", "76", 4, []string{"34000 Montpellier", "34070 Montpellier", "34500 Béziers", "34200 Sète", "34400 Lunel", "34170 Castelnau-le-Lez"}},
	{"35", "Ille-et-Vilaine", "53", 3, []string{"35000 Rennes", "35200 Rennes", "35400 Saint-Malo", "35300 Fougères", "35500 Vitré", "35510 Cesson-Sévigné"}},
	{"36", "Indre", "24", 0.4, []string{"36000 Châteauroux"}},
	{"37", "Indre-et-Loire", "24", 1.2, []string{"37000 Tours", "37300 Joué-lès-Tours", "37400 Amboise"}},
	{"38", "Isère", "84", 4, []string{"38000 Grenoble", "38100 Grenoble", "38200 Vienne", "38130 Échirolles", "38300 Bourgoin-Jallieu", "38500 Voiron", "38400 Saint-Martin-d'Hères"}},
	{"39", "Jura", "27", 0.5, []string{"39000 Lons-le-Saunier", "39100 Dole"}},
	{"40", "Landes", "75", 0.8, []string{"40000 Mont-de-Marsan", "40100 Dax"}},
	{"41", "Loir-et-Cher", "24", 0.6, []string{"41000 Blois", "41100 Vendôme"}},
	{"42", "Loire", "84", 1.4, []string{"42000 Saint-Étienne", "42100 Saint-Étienne", "42300 Roanne", "42600 Montbrison"}},
	{"43", "Haute-Loire", "84", 0.4, []string{"43000 Le Puy-en-Velay"}},
	{"44", "Loire-Atlantique", "52", 4, []string{"44000 Nantes", "44100 Nantes", "44300 Nantes", "44600 Saint-Nazaire", "44800 Saint-Herblain", "44400 Rezé", "44470 Carquefou"}},
	{"45", "Loiret", "24", 1.2, []string{"45000 Orléans", "45200 Montargis", "45100 Orléans"}},
	{"46", "Lot", "76", 0.3, []string{"46000 Cahors", "46100 Figeac"}},
	{"47", "Lot-et-Garonne", "75", 0.6, []string{"47000 Agen", "47300 Villeneuve-sur-Lot"}},
	{"48", "Lozère", "76", 0.2, []string{"48000 Mende"}},
	{"49", "Maine-et-Loire", "52", 1.4, []string{"49000 Angers", "49100 Angers", "49300 Cholet", "49400 Saumur"}},
	{"50", "Manche", "28", 0.8, []string{"50000 Saint-Lô", "50100 Cherbourg-en-Cotentin", "50400 Granville"}},
	{"51", "Marne", "44", 1.2, []string{"51000 Châlons-en-Champagne", "51100 Reims", "51200 Épernay"}},
	{"52", "Haute-Marne", "44", 0.3, []string{"52000 Chaumont", "52100 Saint-Dizier"}},
	{"53", "Mayenne", "52", 0.5, []string{"53000 Laval", "53100 Mayenne"}},
	{"54", "Meurthe-et-Moselle", "44", 1.3, []string{"54000 Nancy", "54500 Vandœuvre-lès-Nancy", "54400 Longwy"}},
	{"55", "Meuse", "44", 0.3, []string{"55000 Bar-le-Duc", "55100 Verdun"}},
	{"56", "Morbihan", "53", 1.1, []string{"56000 Vannes", "56100 Lorient", "56300 Pontivy"}},
	{"57", "Moselle", "44", 1.8, []string{"57000 Metz", "57100 Thionville", "57200 Sarreguemines", "57600 Forbach"}},
	{"58", "Nièvre", "27", 0.4, []string{"58000 Nevers"}},
	{"59", "Nord", "32", 7, []string{"59000 Lille", "59800 Lille", "59100 Roubaix", "59200 Tourcoing", "59140 Dunkerque", "59650 Villeneuve-d'Ascq", "59300 Valenciennes", "59500 Douai", "59700 Marcq-en-Barœul"}},
	{"60", "Oise", "32", 1.3, []string{"60000 Beauvais", "60200 Compiègne", "60100 Creil"}},
	{"61", "Orne", "28", 0.4, []string{"61000 Alençon", "61100 Flers"}},
	{"62", "Pas-de-Calais", "32", 2, []string{"62000 Arras", "62100 Calais", "62200 Boulogne-sur-Mer", "62300 Lens", "62400 Béthune"}},
	{"63", "Puy-de-Dôme", "84", 1.5, []string{"63000 Clermont-Ferrand", "63100 Clermont-Ferrand", "63200 Riom", "63500 Issoire"}},
	{"64", "Pyrénées-Atlantiques", "75", 1.4, []string{"64000 Pau", "64100 Bayonne", "64200 Biarritz", "64600 Anglet"}},
	{"65", "Hautes-Pyrénées", "76", 0.5, []string{"65000 Tarbes", "65100 Lourdes"}},
	{"66", "Pyrénées-Orientales", "76", 0.9, []string{"66000 Perpignan", "66100 Perpignan", "66700 Argelès-sur-Mer"}},
	{"67", "Bas-Rhin", "44", 4, []string{"67000 Strasbourg", "67100 Strasbourg", "67200 Strasbourg", "67500 Haguenau", "67300 Schiltigheim", "67400 Illkirch-Graffenstaden", "67600 Sélestat"}},
	{"68", "Haut-Rhin", "44", 1.5, []string{"68000 Colmar", "68100 Mulhouse", "68200 Mulhouse", "68300 Saint-Louis"}},
	{"69", "Rhône", "84", 7, []string{"69001 Lyon", "69003 Lyon", "69007 Lyon", "69009 Lyon", "69100 Villeurbanne", "69200 Vénissieux", "69300 Caluire-et-Cuire", "69400 Villefranche-sur-Saône", "69500 Bron"}},
	{"70", "Haute-Saône", "27", 0.4, []string{"70000 Vesoul", "70200 Lure"}},
	{"71", "Saône-et-Loire", "27", 1, []string{"71000 Mâcon", "71100 Chalon-sur-Saône", "71200 Le Creusot"}},
	{"72", "Sarthe", "52", 1, []string{"72000 Le Mans", "72100 Le Mans", "72200 La Flèche"}},
	{"73", "Savoie", "84", 0.9, []string{"73000 Chambéry", "73100 Aix-les-Bains", "73200 Albertville"}},
	{"74", "Haute-Savoie", "84", 1.6, []string{"74000 Annecy", "74100 Annemasse", "74200 Thonon-les-Bains", "74300 Cluses"}},
	{"75", "Paris", "11", 12, []string{"75001 Paris", "75002 Paris", "75003 Paris", "75008 Paris", "75009 Paris", "75010 Paris", "75011 Paris", "75012 Paris", "75013 Paris", "75014 Paris", "75015 Paris", "75016 Paris", "75017 Paris", "75018 Paris", "75019 Paris", "75020 Paris"}},
	{"76", "Seine-Maritime", "28", 2, []string{"76000 Rouen", "76100 Rouen", "76600 Le Havre", "76200 Dieppe", "76300 Sotteville-lès-Rouen"}},
	{"77", "Seine-et-Marne", "11", 2.2, []string{"77000 Melun", "77100 Meaux", "77500 Chelles", "77200 Torcy", "77300 Fontainebleau"}},
	{"78", "Yvelines", "11", 2.4, []string{"78000 Versailles", "78100 Saint-Germain-en-Laye", "78300 Poissy", "78200 Mantes-la-Jolie", "78180 Montigny-le-Bretonneux"}},
	{"79", "Deux-Sèvres", "75", 0.6, []string{"79000 Niort", "79100 Thouars"}},
	{"80", "Somme", "32", 0.9, []string{"80000 Amiens", "80080 Amiens", "80100 Abbeville"}},
	{"81", "Tarn", "76", 0.6, []string{"81000 Albi", "81100 Castres"}},
	{"82", "Tarn-et-Garonne", "76", 0.4, []string{"82000 Montauban"}},
	{"83", "Var", "93", 2, []string{"83000 Toulon", "83100 Toulon", "83600 Fréjus", "83400 Hyères", "83300 Draguignan"}},
	{"84", "Vaucluse", "93", 1, []string{"84000 Avignon", "84200 Carpentras", "84100 Orange"}},
	{"85", "Vendée", "52", 1, []string{"85000 La Roche-sur-Yon", "85300 Challans", "85100 Les Sables-d'Olonne"}},
	{"86", "Vienne", "75", 0.8, []string{"86000 Poitiers", "86100 Châtellerault"}},
	{"87", "Haute-Vienne", "75", 0.7, []string{"87000 Limoges", "87100 Limoges"}},
	{"88", "Vosges", "44", 0.6, []string{"88000 Épinal", "88100 Saint-Dié-des-Vosges"}},
	{"89", "Yonne", "27", 0.6, []string{"89000 Auxerre", "89100 Sens"}},
	{"90", "Territoire de Belfort", "27", 0.3, []string{"90000 Belfort"}},
	{"91", "Essonne", "11", 2.4, []string{"91000 Évry-Courcouronnes", "91300 Massy", "91100 Corbeil-Essonnes", "91120 Palaiseau", "91400 Orsay"}},
	{"92", "Hauts-de-Seine", "11", 6, []string{"92000 Nanterre", "92100 Boulogne-Billancourt", "92400 Courbevoie", "92130 Issy-les-Moulineaux", "92300 Levallois-Perret", "92500 Rueil-Malmaison", "92700 Colombes", "92200 Neuilly-sur-Seine", "92800 Puteaux"}},
	{"93", "Seine-Saint-Denis", "11", 4, []string{"93000 Bobigny", "93100 Montreuil", "93200 Saint-Denis", "93300 Aubervilliers", "93500 Pantin", "93160 Noisy-le-Grand"}},
	{"94", "Val-de-Marne", "11", 4, []string{"94000 Créteil", "94400 Vitry-sur-Seine", "94200 Ivry-sur-Seine", "94100 Saint-Maur-des-Fossés", "94150 Rungis", "94300 Vincennes"}},
	{"95", "Val-d'Oise", "11", 2, []string{"95000 Cergy", "95100 Argenteuil", "95200 Sarcelles", "95300 Pontoise"}},
	{"971", "Guadeloupe", "01", 0.6, []string{"97110 Pointe-à-Pitre", "97139 Les Abymes", "97122 Baie-Mahault", "97100 Basse-Terre"}},
	{"972", "Martinique", "02", 0.6, []string{"97200 Fort-de-France", "97232 Le Lamentin"}},
	{"973", "Guyane", "03", 0.4, []string{"97300 Cayenne", "97310 Kourou"}},
	{"974", "La Réunion", "04", 0.8, []string{"97400 Saint-Denis", "97410 Saint-Pierre", "97420 Le Port"}},
	{"976", "Mayotte", "06", 0.3, []string{"97600 Mamoudzou"}},
}

// postcodePrefixes gives the postcode prefixes of a department: the code
// itself on the mainland, 200/201 and 202/206 for Corsica, the code for
// overseas departments (whose postcodes start with it).
func postcodePrefixes(code string) []string {
	switch code {
	case "2A":
		return []string{"200", "201"}
	case "2B":
		return []string{"202", "206"}
	}
	return []string{code}
}

func regionName(code string) string {
	for _, r := range regions {
		if r[0] == code {
			return r[1]
		}
	}
	return ""
}

// writeTerritories writes reference/territories.csv.
func writeTerritories(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"postcode_prefix", "department", "department_name", "region", "region_name"})
	for _, d := range departments {
		for _, p := range postcodePrefixes(d.code) {
			_ = cw.Write([]string{p, d.code, d.name, d.region, regionName(d.region)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("territories: %w", err)
	}
	return nil
}
