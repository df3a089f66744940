package injection

// techniqueRuleSpecs are cues of how an attack is made rather than what it
// asks for: refusal suppression and response priming, virtualisation ("let's
// imagine a scenario where…"), persuasion by claimed expertise or logic,
// goal hijacking that dictates the answer ("just say yes"), and switching
// the task in mid-message. Each cue also occurs in harmless requests, so
// they are weak or medium: they decide only when the model already leans
// towards an attack. They were written from general knowledge of these
// techniques (the taxonomies of jailbreak and persuasion papers), not from
// the development data, and were checked against its training rows for
// false positives only.
var techniqueRuleSpecs = []ruleSpec{
	// --- refusal suppression and response priming (jailbreak persona) ---
	r(RuleJailbreakPersona, "en", medium, 12, "do not|don t|dont|never|without", "apologi*|refus*|include any warning*|add any warning*|include warnings|add disclaimers|include disclaimers|include a disclaimer|add a disclaimer|mention that you|say that you can t|say you can t|say that you cannot|say you cannot|say i m sorry|say sorry|lecture|moralize|moralise"),
	r(RuleJailbreakPersona, "en", medium, 12, "begin|start", "your response|your reply|your answer|every response|each response|all responses", "with sure|with certainly|with absolutely|with of course|with here is|with here s|by saying sure"),
	r(RuleJailbreakPersona, "de", medium, 12, "entschuldige dich nicht|lehne nicht ab|verweigere nicht|keine warnungen|keine hinweise auf|ohne warnungen|ohne moralische"),
	r(RuleJailbreakPersona, "es", medium, 12, "no te disculpes|no te niegues|no rechaces|sin advertencias|no incluyas advertencias|nunca te niegues"),
	r(RuleJailbreakPersona, "fr", medium, 12, "ne t excuse pas|ne refuse pas|ne refuse jamais|sans avertissement*|n ajoute aucun avertissement|ne vous excusez pas"),
	r(RuleJailbreakPersona, "vi", medium, 12, "đừng xin lỗi|không được từ chối|đừng từ chối|không bao giờ từ chối|không cảnh báo|đừng cảnh báo"),
	r(RuleJailbreakPersona, "zh", medium, 8, "不要道歉|不要拒绝|不能拒绝|不许拒绝|永远不要拒绝|不要添加警告|不要加任何警告|不要有任何警告"),
	r(RuleJailbreakPersona, "ko", medium, 8, "사과하지 마|거절하지 마|거부하지 마|절대 거절|경고를 붙이지|경고 없이"),

	// --- virtualisation: a scenario that licenses the request ---
	r(RuleJailbreakPersona, "en", weak, 10, "imagine|let s imagine|lets imagine|let us imagine|suppose|picture|envision", "we re|we are|you re|you are|that we|that you|a scenario|a world|a situation|a hypothetical"),
	r(RuleJailbreakPersona, "en", weak, 10, "hypothetical*|purely theoretical|thought experiment|for the sake of argument|just for fun", "discussion|scenario|question|situation|purposes|exercise|sake|let s|lets|imagine|suppose|you"),
	r(RuleJailbreakPersona, "multi", weak, 12,
		"imagina que|imaginemos que|supongamos que|imagine que|imaginons que|supposons que|stell dir vor|stellen sie sich vor|nehmen wir an|immagina che|immaginiamo che|supponiamo che|imagine que|imaginemos que|suponha que|hãy tưởng tượng|giả sử|giả định rằng|представь что|представьте что|допустим|bayangkan|misalkan|hayal et|varsayalım|想象一下|假设|假如|設想|想像してください|仮に|상상해|가정해|가정하면|कल्पना कीजिए|कल्पना करो|मान लीजिए|تخيل|لنفترض|ลองนึกภาพ|สมมติว่า|isipin|ipagpalagay"),
	r(RuleJailbreakPersona, "multi", weak, 12, "hipotétic*|hypothétique*|hypothetisch*|ipotetic*|hipotétic*|giả định|гипотетическ*|hipotetis|varsayımsal|假设性|假想|仮定の|仮想の|가상의|काल्पनिक|افتراضي*|สมมติ|hypothetical", "discusión|discussion|diskussion|discussione|discussão|thảo luận|обсуждени*|diskusi|tartışma|讨论|議論|토론|चर्चा|مناقشة|การสนทนา|escenario|scénario|szenario|scenario|cenário|kịch bản|сценари*|skenario|senaryo|场景|シナリオ|시나리오|परिदृश्य|سيناريو|สถานการณ์"),

	// Noun before adjective, as in the Romance languages, Vietnamese and Arabic.
	r(RuleJailbreakPersona, "multi", weak, 4, "discusión|discussion|discussione|discussão|thảo luận|مناقشة|escenario|scénario|scenario|cenário|kịch bản|سيناريو", "hipotétic*|hypothétique*|ipotetic*|giả định|giả thuyết|افتراضي*|imaginari*|imaginaire*"),

	// --- persuasion: claimed expertise, logic or urgency that obliges ---
	r(RuleInstructionOverride, "en", weak, 30, "as a renowned|as a respected|as a leading|as a world famous|as a well known|as an esteemed|as a distinguished|as a recognized|as a recognised|as an acclaimed", "i believe|i think|it s crucial|it is crucial|it s important|it is essential|you should|you must|i need|i urge|share|tell"),
	r(RuleInstructionOverride, "en", weak, 24, "it s crucial for you to|it is crucial for you to|it s vital that you|it is vital that you|you are obligated to|you re obligated to|it is your duty to|it s your duty to|you have a moral obligation"),
	r(RuleInstructionOverride, "en", weak, 30, "logically|logically speaking|it s only logical|it is only logical", "if you|you should|you would|you must|so you|then you|we can|we could"),

	r(RuleInstructionOverride, "multi", medium, 40, "أنا|انا|я|ben|saya|aku|मैं|ฉัน|ผม|나는|저는|私は|我是|我",
		"محاسب|شرطي|ضابط|الرئيس|бухгалтер|полицейский|muhasebeci|polis|akuntan|polisi|लेखाकार|पुलिस|นักบัญชี|ตำรวจ|회계사|경찰|会計士|警察|会计|警察",
		"قاعدة بيانات|كلمة المرور|базу данных|пароль|veritabanı|şifre|basis data|kata sandi|डेटाबेस|पासवर्ड|ฐานข้อมูล|รหัสผ่าน|데이터베이스|비밀번호|データベース|パスワード|数据库|密码"),
	r(RulePromptExtraction, "multi", weak, 4, "قاعدة بياناتك|قاعدة البيانات الخاصة بك|вашей базе данных|вашу базу данных|твоей базе данных|твою базу данных|tu base de datos|su base de datos|votre base de données|ta base de données|deine datenbank|ihre datenbank|il tuo database|seu banco de dados|sua base de dados|cơ sở dữ liệu của bạn|veritabanınız*|basis data anda|basis datamu|आपके डेटाबेस|ฐานข้อมูลของคุณ|당신의 데이터베이스|あなたのデータベース|你的数据库|您的数据库"),

	// --- goal hijacking: the answer dictated in advance ---
	r(RuleInstructionOverride, "en", medium, 4, "just say|simply say|only say|say only|answer only|respond only|reply only|only answer|only respond|only reply", "yes|no|i hate|i love|that you|hacked|pwned|ok|okay|the word"),
	// After a question or a sentence, not inside a title such as "Say Yes".
	r(RuleInstructionOverride, "en", medium, 0, "@? say yes‖?say yes‖. say yes‖! say yes‖? say no‖. say no‖? answer yes‖. answer yes‖? just say‖. just say‖? now say‖. now say"),
	r(RuleInstructionOverride, "en", medium, 10, "stop|enough|halt|wait", "now write|write instead|instead write|now say|now print|now tell|write|say|print|output"),
	r(RuleInstructionOverride, "multi", medium, 8,
		"sag ja|sage ja|sag einfach|antworte nur mit|antworte einfach mit|di que sí|di sí|responde solo con|responde sólo con|responde únicamente|dis oui|dis simplement|réponds seulement|réponds uniquement par|rispondi solo con|di di sì|diga sim|responda apenas com|hãy nói có|chỉ trả lời|chỉ cần nói|скажи да|отвечай только|katakan ya|jawab saja|sadece evet de|sadece cevap ver|只回答|只说|只要回答|只能回答|「はい」とだけ|とだけ答え|라고만 대답|라고만 답|만 대답해"),
	r(RuleInstructionOverride, "de", medium, 10, "hasst du|magst du|liebst du|findest du", "sag ja|sag nein|sage ja|antworte mit ja"),

	// --- instruction override in more languages ---
	r(RuleInstructionOverride, "hr", strong, 24, "zaboravi|zaboravite|zanemari|zanemarite|ignoriraj|ignorirajte|ignoriši|ignorisi|ignoriši", "sve|sva|prethodne|prethodna|prijašnje|gornje|ranije|tvoje|svoje", "instrukcij*|upute|uputa|uputstva|naredb*|zadatke|smjernice"),
	r(RuleInstructionOverride, "hr", strong, 24, "zaboravi|zaboravite|zanemari|zanemarite|ignoriraj|ignorirajte|ignoriši|ignorisi", "prethodne|prethodna|prijašnje|gornje|ranije|tvoje|svoje", "pravila"),
	r(RuleInstructionOverride, "pl", strong, 24, "zignoruj|zignorujcie|ignoruj|zapomnij|zapomnijcie|pomiń", "wszystkie|wszystko|poprzednie|wcześniejsze|powyższe|swoje|twoje", "instrukcj*|polecen*|zasad*|reguł*|wytyczn*|co"),
	r(RuleInstructionOverride, "cs", strong, 24, "ignoruj|ignorujte|zapomeň|zapomeňte|zapomen", "všechny|všechno|předchozí|výše uvedené|dřívější|své", "instrukce|pokyny|pravidla|příkazy|co"),
	r(RuleInstructionOverride, "nl", strong, 24, "negeer|vergeet", "alle|vorige|eerdere|bovenstaande|je|jouw|voorgaande|alles", "instructies|opdrachten|richtlijnen|aanwijzingen|wat"),
	r(RuleInstructionOverride, "sv", strong, 24, "ignorera|glöm|strunta i", "alla|tidigare|föregående|ovanstående|dina|allt", "instruktioner|regler|direktiv|anvisningar|som"),
	r(RuleInstructionOverride, "ro", strong, 24, "ignoră|ignorati|ignorați|uită|uitați", "toate|instrucțiunile|regulile|tot|anterioare|de mai sus", "instrucțiuni*|reguli*|anterioare|de mai sus|ce"),
	r(RuleInstructionOverride, "uk", strong, 24, "ігноруй|ігноруйте|забудь|забудьте", "всі|усі|попередні|все|вищезазначені", "інструкції|вказівки|команди|що"),
	// "Забудь все правила граматики" is about grammar: rules need an owner.
	r(RuleInstructionOverride, "uk", strong, 24, "ігноруй|ігноруйте|забудь|забудьте", "попередні|вищезазначені|свої|твої", "правила"),
	r(RuleInstructionOverride, "hu", strong, 24, "hagyd figyelmen kívül|hagyja figyelmen kívül|felejtsd el|felejtse el", "az összes|összes|korábbi|előző|fenti|minden", "utasítás*|szabály*|parancs*"),
	r(RuleInstructionOverride, "de", medium, 40, "das genügt|das reicht|genug davon|das war s|das wars", "nun|jetzt|als nächstes|neue|bitte|schreib*"),

	// --- answers dictated by style or by a false premise ---
	r(RuleInstructionOverride, "multi", weak, 6, "answer in the style of|respond in the style of|reply in the style of|antworte im stil|antworten sie im stil|responde al estilo de|responde con el estilo de|réponds dans le style|répondez dans le style|rispondi nello stile|responda no estilo|trả lời theo phong cách"),
	r(RuleJailbreakPersona, "multi", weak, 10, "untrue|false|fake|fabricated|made up|unwahre|falsche|erfundene|gefälschte|falsa|falso|inventada|fausse|faux|inventé*|giả mạo|sai sự thật|虚假|假的", "headline*|news|überschrift*|schlagzeile*|nachricht*|meldung*|titular*|noticia*|titre*|nouvelle*|tin tức|tiêu đề|新闻|标题"),
	r(RuleJailbreakPersona, "en", weak, 8, "forgot everything|forgotten everything|has amnesia|have amnesia|with amnesia|memory was wiped|memory has been wiped|memory has been erased|memory was erased"),

	// --- switching the task mid-message ---
	r(RuleInstructionOverride, "en", weak, 16, "actually|instead|on second thought|scratch that|change of plan|change of plans|new plan", "can you|could you|please|i want you to|you should|just|write|tell|give|print|say|list"),
	r(RuleInstructionOverride, "en", weak, 10, "pretend|act as if|imagine", "you can access|you have access|you are connected|you re connected|you can browse|you know the future|you can see the future|you are able to access"),
}
