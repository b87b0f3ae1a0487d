package synth

// Read-only tables the generator draws names and addresses from.

var surnames = []string{
	"Dupont", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
	"Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier",
	"Girard", "Bonnet", "Dupuis", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure",
	"André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
	"Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Masson", "Marchand",
	"Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
	"Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Gérard", "Roche",
	"Renard", "Schmitt", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Fabre", "Aubert", "Lemoine",
	"Renaud", "Dumas", "Lacroix", "Olivier", "Bourgeois", "Benoît", "Leclerc", "Payet", "Rolland", "Guillaume",
	"Lecomte", "Dupuy", "Hubert", "Berger", "Carpentier", "Dupré", "Moulin", "Deschamps", "Huet", "Vasseur",
	"Fleury", "Royer", "Klein", "Jacquet", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Renault",
	"Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Le Gall", "Léger",
	"Bouvier", "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy",
	"Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Hamon",
	"Boulanger", "Monnier", "Michaud", "Guichard", "Étienne", "Grondin", "Poulain", "Tessier", "Chauvin", "Bouchet",
	"Lemaître", "Bénard", "Maréchal", "Humbert", "Reynaud", "Hoarau", "Barthélemy", "Cordier", "Pichon", "Delaunay",
}

// activities are trade words used in company names.
var activities = []string{
	"Bureautique", "Informatique", "Impression", "Reprographie", "Copie Service", "Systèmes", "Solutions Numériques",
	"Réseaux et Télécoms", "Papeterie", "Fournitures de Bureau", "Équipement de Bureau", "Micro-Informatique",
	"Imprimerie", "Services Informatiques", "Électronique", "Matériel de Bureau", "Numérique", "Consommables",
	"Bureautique et Services", "Informatique de Gestion",
}

// ofActivities complete "Société <adjective> ...".
var ofActivities = []string{
	"d'Informatique", "de Bureautique", "d'Équipement de Bureau", "d'Impression", "de Reprographie",
	"d'Électronique", "de Matériel de Bureau", "de Papeterie", "de Services Informatiques", "de Télécommunications",
}

var societeAdjectives = []string{"Générale", "Nouvelle", "Française", "Moderne", "Régionale", "Technique", "Centrale", "Européenne"}

// placesByRegion complete "<activity> <place>", with their article, by
// region code: a company only names its own region (no "du Forez" in
// Gironde). Names of a whole region or of a part of France that holds it,
// never of one department, which would misplace its neighbours.
var placesByRegion = map[string][]string{
	"01": {"de Guadeloupe", "des Antilles"}, "02": {"de Martinique", "des Antilles"}, "03": {"de Guyane"},
	"04": {"de la Réunion", "de l'Océan Indien"}, "06": {"de Mayotte", "de l'Océan Indien"},
	"11": {"d'Île-de-France", "Francilienne", "du Bassin Parisien"},
	"24": {"du Centre", "du Val de Loire", "du Bassin Parisien"},
	"27": {"de Bourgogne-Franche-Comté", "de l'Est", "du Centre-Est"},
	"28": {"de Normandie", "du Nord-Ouest", "de l'Ouest"},
	"32": {"du Nord", "des Hauts-de-France", "du Nord-Est"},
	"44": {"de l'Est", "du Grand Est", "du Nord-Est"},
	"52": {"de l'Ouest", "des Pays de la Loire", "du Grand Ouest"},
	"53": {"de Bretagne", "de l'Ouest", "du Grand Ouest"},
	"75": {"du Sud-Ouest", "de Nouvelle-Aquitaine", "de l'Atlantique"},
	"76": {"d'Occitanie", "du Midi", "du Sud"},
	"84": {"d'Auvergne-Rhône-Alpes", "du Centre-Est", "du Sud-Est"},
	"93": {"de Provence", "du Sud-Est", "du Sud", "de la Méditerranée"},
	"94": {"de Corse", "de la Méditerranée"},
}

var familyLinks = []string{"& Fils", "et Fils", "Frères", "et Associés", "& Cie"}

var acronyms = []string{"ABC", "2M", "JPL", "RDS", "MBI", "SGI", "CMI", "ATS", "3D", "BMS", "OCS", "DPI", "EBS", "ID2", "TSI", "AGS", "NBI", "PLB"}

var tradeStems = []string{
	"Bureau Plus", "Copie Express", "Print Center", "InfoPro", "Le Comptoir du Bureau", "L'Atelier Numérique",
	"Éco Bureau", "Top Office", "Buro Service", "Ordi'Services", "Encre & Papier", "Pixel Print", "Net Impression",
	"Alpha Bureautique", "Repro Services", "Cartouche Center", "Clic Bureau", "Office Dépôt Local", "La Boutique du Toner",
	"Planète Bureau", "Côté Bureau", "Impressions d'Ici",
}

var streetKinds = []string{"rue", "rue", "rue", "avenue", "avenue", "boulevard", "allée", "place", "chemin", "impasse", "route", "quai"}

var streetNames = []string{
	"Victor Hugo", "Jean Jaurès", "de la République", "du Général de Gaulle", "Pasteur", "de la Gare", "des Écoles",
	"Gambetta", "Carnot", "Émile Zola", "du Maréchal Foch", "de Verdun", "des Lilas", "Nationale", "du Commerce",
	"de l'Industrie", "Saint-Exupéry", "Jules Ferry", "de la Libération", "Édouard Herriot", "du 8 Mai 1945",
	"Georges Clemenceau", "des Acacias", "de la Paix", "du Moulin", "Aristide Briand", "de Strasbourg", "de Paris",
	"Anatole France", "des Frères Lumière", "du Château", "de l'Église", "Ampère", "Gustave Eiffel", "Marcel Pagnol",
}

var zones = []string{
	"ZA des Tilleuls", "ZI de la Plaine", "ZAC du Parc", "Parc d'activités des Portes", "ZA du Moulin",
	"ZI Nord", "ZAC de la Gare", "Centre commercial Les Arcades", "Parc Technologique", "ZA Les Échoppes",
	"ZI des Écluses", "Espace Entreprises",
}

var legalForms = []string{"SARL", "SAS", "SA", "EURL", "SNC"}

// dottedForms spell a legal form the way some customer files do.
var dottedForms = map[string]string{"SARL": "S.A.R.L.", "SAS": "S.A.S.", "SA": "S.A.", "EURL": "E.U.R.L.", "SNC": "S.N.C."}

// abbreviations that distributors' customer files commonly use.
var abbreviations = [][2]string{
	{"Société", "Sté"}, {"Établissements", "Ets"}, {"Informatique", "Info"}, {"Bureautique", "Bureaut."},
	{"Services", "Serv."}, {" et ", " & "}, {"Fournitures", "Fourn."}, {"Équipement", "Equip."},
	{"Matériel", "Mat."}, {"Télécoms", "Telecom"}, {"Reprographie", "Repro"}, {"Numériques", "Num."},
}

var brandsList = []string{"Ours", "Printek", "Laserio", "Inkwell", "Copynova", "Tonero"}

var typologies = []string{"retail", "e-tail", "VAR", "integrator", "distributor"}
var typologyWeights = []float64{25, 8, 37, 22, 8}

var businessLines = []string{"office_supplies", "it_services", "print_shop", "education", "healthcare", "public_sector", "industry"}
var businessLineWeights = []float64{30, 28, 12, 8, 7, 7, 8}

var headcountBands = []string{"1-9", "10-49", "50-249", "250+"}
var headcountWeights = []float64{45, 35, 15, 5}

// Resellers outside France that buy from Alpinet.
var swissCities = []string{"1201 Genève", "1204 Genève", "1003 Lausanne", "1700 Fribourg", "2000 Neuchâtel", "1950 Sion", "1920 Martigny", "1260 Nyon"}
var swissNames = []string{"Bürotec", "Léman Bureautique", "Imprimerie Lémanique", "Helvetic Office", "Romandie Print", "Alpes Informatique", "Jura Copie", "Genève Toner"}
var ukCities = []string{"EC1A 1BB London", "SW1A 2AA London", "M1 1AE Manchester", "LS1 4DY Leeds", "BS1 4ST Bristol", "B1 1AA Birmingham"}
var ukNames = []string{"Northgate Office Supplies", "Thames Print Solutions", "Pennine Imaging", "Severn Copiers", "Brightwell IT", "Kestrel Business Systems", "Harbour Toner"}
var ukStreets = []string{"12 High Street", "4 Market Street", "27 Station Road", "8 Church Lane", "51 King Street", "3 Mill Road"}
var swissStreets = []string{"12 rue du Rhône", "4 avenue de la Gare", "27 route de Lausanne", "8 chemin des Vignes", "15 Bahnhofstrasse", "3 place du Marché"}
