package injection

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aigate-dev/aigate/injection/internal/textnorm"
)

// Rule names a family of injection techniques. [Result.Rules] lists the
// families that fired, never the text that made them fire.
type Rule string

// The rule families.
const (
	// RuleInstructionOverride: "ignore all previous instructions",
	// "disregard the above", "forget everything you were told".
	RuleInstructionOverride Rule = "instruction_override"
	// RuleJailbreakPersona: DAN, "developer mode", "you are now an
	// unrestricted AI", "no ethical guidelines".
	RuleJailbreakPersona Rule = "jailbreak_persona"
	// RulePromptExtraction: "reveal your system prompt", "repeat the words
	// above", and requests for the assistant's passwords or secret keys.
	RulePromptExtraction Rule = "prompt_extraction"
	// RuleMarkupInjection: fake chat-template markers such as
	// <|im_start|>, [INST], <<SYS>>, "### System:".
	RuleMarkupInjection Rule = "markup_injection"
	// RuleEncodedPayload: base64 or hex segments that decode to text,
	// the more so when that text gives instructions.
	RuleEncodedPayload Rule = "encoded_payload"
	// RuleInvisibleUnicode: zero-width, bidi-control or tag characters.
	RuleInvisibleUnicode Rule = "invisible_unicode"
	// RuleObfuscation: homoglyphs mixed into Latin words, or leetspeak.
	RuleObfuscation Rule = "obfuscation"
	// RuleIndirectInjection: text addressed to an AI that reads a document
	// ("AI assistant reading this: ...", instructions in HTML comments).
	RuleIndirectInjection Rule = "indirect_injection"
)

// rule is a sequence of slots, each a set of terms; it fires when one term
// of every slot occurs in order, each starting at most gap bytes after the
// previous one ends.
type rule struct {
	id     string // family.lang, for tests and debugging
	family Rule
	fam    int     // index of family in families
	boost  float64 // added to the log-odds when the rule fires
	gap    int32
	slots  [][]uint16
	// not holds the negations (see [unless]) that stop the rule at an
	// occurrence of its first slot when one ends at most notBefore bytes
	// before it or starts at most notAfter bytes after it.
	not                 []uint16
	notBefore, notAfter int32
}

// Boosts, in log-odds. Strong rules flag on their own; medium ones need the
// model to agree a little; weak ones are tie-breakers.
const (
	strong = 7.0
	medium = 4.0
	weak   = 2.0
	hint   = 1.0
)

// ruleSpec is the source form of a rule: slots are "a|b|c*" alternations
// ("*" allows a longer word). A slot that starts with "@" is matched in the
// folded view, with punctuation kept, has no word boundaries, and separates
// its alternatives with "‖" because markup contains "|".
type ruleSpec struct {
	family Rule
	lang   string
	boost  float64
	gap    int32
	slots  []string
	// not, notBefore, notAfter: see [unless].
	not                 string
	notBefore, notAfter int32
}

func r(f Rule, lang string, boost float64, gap int32, slots ...string) ruleSpec {
	return ruleSpec{family: f, lang: lang, boost: boost, gap: gap, slots: slots}
}

// unless returns s, which must start in the word view, made not to match
// where one of the negations in not ("never|do not|jangan") ends at most
// before bytes before the term of its first slot, or starts at most after
// bytes after that term ends (German and Turkish put the negation later:
// "geben Sie Ihr Passwort niemals weiter"). Advice such as "never share
// your password" uses the words of the request it warns against.
func unless(before, after int32, not string, s ruleSpec) ruleSpec {
	s.not, s.notBefore, s.notAfter = not, before, after
	return s
}

// Common vocabulary, reused across English rules.
const (
	enIgnore = "ignore|ignoring|disregard*|forget|forgetting|skip|override|bypass|neglect|abandon|discard|drop|set aside|pay no attention to|do not follow|don't follow|dont follow|stop following|no longer follow"
	enPrior  = "previous|prior|above|earlier|preceding|foregoing|original|initial|old|former|existing|system|developer|given|your|all|any|every|these|those|the|my|all the|all your|all of the|all of your|all previous|all prior"
	enInstr  = "input*|conversation*|messages|responses|chat|request*|thought*|information|instruction*|prompt*|direction*|guideline*|directive*|command*|constraint*|restriction*|programming|order*|context|polic*|filter*|safeguard*|guardrail*|limitation*|task*|setting*|training|content polic*"
	deIgnore = "ignoriere*|ignorier|vergiss|vergesst|vergessen sie|missachte*|übergehe*|überspringe*|beachte nicht|beachten sie nicht|nicht beachten|ignorieren sie|vergiss alle|setze*"
	deInstr  = "anweisung*|instruktion*|befehl*|vorgabe*|aufgabe*|richtlinie*|einschränkung*|beschränkung*|vorschrift*|informationen|kontext"
	esIgnore = "ignora|ignore|ignorar|ignoren|olvida|olvide|olvídate|olvidate|olvidar|olviden|descarta|descarte|omite|omita|haz caso omiso|no sigas|deja de seguir|pasa por alto"
	esInstr  = "instrucci*|indicaci*|orden*|directriz*|directrices|restricci*|pauta*|consigna*|comando*"
	// Rules are the assistant's when they are yours or the earlier ones;
	// "all the rules" is only when they are not the rules of something.
	esRules    = "regla*|norma*"
	esRulesOf  = "reglas de|reglas del|regla de|normas de|normas del|reglas para|normas para"
	frIgnore   = "ignore|ignorez|ignorer|oublie|oubliez|oublier|ne tiens pas compte|ne tenez pas compte|fais abstraction|faites abstraction|ne suis pas|ne suivez pas|passe outre|passez outre"
	frInstr    = "instruction*|consigne*|directive*|ordre*|indication*|restriction*|commande*"
	frRulesOf  = "règles de|règles d|règles du|règle de|règle du|règles pour"
	viIgnore   = "bỏ qua|phớt lờ|lờ đi|quên|quên đi|không tuân theo|đừng tuân theo|không làm theo|đừng làm theo|bỏ|gạt bỏ|vứt bỏ"
	viInstr    = "hướng dẫn|chỉ dẫn|chỉ thị|quy tắc|lệnh|mệnh lệnh|yêu cầu|nguyên tắc|quy định|hạn chế"
	zhIgnore   = "忽略|忽视|无视|忘记|忘掉|不要理会|不要理睬|跳过|抛开|放弃|别管|不理会|忽略掉|無視|忘記|不要遵守|不要遵循|停止遵循"
	zhInstr    = "指令|指示|说明|規則|规则|提示|命令|要求|设定|設定|限制|约束|指导|指導"
	koPrior    = "이전|위의|위에|앞의|앞선|모든|기존|이전의|지금까지|위|앞"
	koInstr    = "것|지시|지침|명령|규칙|내용|프롬프트|설명|요청|제한|안내|규정|말"
	koIgnore   = "무시|잊어|잊고|잊으|따르지 마|따르지 말"
	jaInstr    = "指示|命令|ルール|規則|プロンプト|指令|制限|内容"
	jaIgnore   = "無視|忘れ"
	ptIgnore   = "ignore|ignora|ignorar|esqueça|esqueca|esquece|desconsidere|desconsidera"
	ptInstr    = "instruç*|instruc*|orienta*|diretriz*|comando*|restriç*"
	ptRulesOf  = "regras de|regras do|regras da|regra de|regras para"
	itIgnore   = "ignora|ignorare|ignorate|dimentica|dimenticate|dimenticare|trascura|non seguire"
	itInstr    = "istruzion*|regol*|indicazion*|direttiv*|comand*|restrizion*"
	ruIgnore   = "игнорируй|игнорируйте|игнорировать|забудь|забудьте|не обращай внимания|не обращайте внимания|проигнорируй"
	ruInstr    = "инструкци*|указани*|команд*|ограничени*|подсказк*"
	secretNoun = "password*|passcode*|passphrase*|secret key*|api key*|secret code*|secret token*|access token*|private key*|credentials|pin code|pin number"
)

// Vocabulary of [unless].
const (
	// Negations of advice about secrets, for [unless]: "never share your
	// password" warns against the request it shares its words with.
	enNever = "never|don't|dont|do not|should never|shouldn't|should not|must not|mustn't|no one|nobody"
	deNie   = "niemals|nie|keinesfalls|auf keinen fall|niemandem|an niemanden|nicht weiter"
	zhNever = "不要|别|切勿|勿|千万不要|千万别|绝不要|绝对不要|永远不要|不应|不应该|请勿|不可以|不可"
	// multiNever: the negation before an imperative in the languages whose
	// verb the multilingual rules list first.
	multiNever = "ne|jamais|niemals|nie|mai|não|nao|đừng|không được|không nên|не|никому|никогда|jangan|jgn|tidak boleh|huwag|wag|hindi dapat|不要|别|切勿|千万不要|勿|请勿|لا|मत|कभी मत|ห้าม|อย่า|ไม่ควร|asla|sakın"
	// thPurchaseOrder: คำสั่งซื้อ is a purchase order, not an instruction.
	thPurchaseOrder = "คำสั่งซื้อ|คําสั่งซื้อ|ใบสั่งซื้อ"
)

// ruleSpecs are the detector's phrase rules besides the context and
// technique ones: the classic families here, and in more languages in
// rules_languages.go.
var ruleSpecs = slices.Concat(classicRuleSpecs, languageRuleSpecs)

var classicRuleSpecs = []ruleSpec{
	// --- instruction override ---
	r(RuleInstructionOverride, "en", strong, 14, enIgnore, enPrior, enInstr),
	r(RuleInstructionOverride, "en", strong, 14, enIgnore, "all|any|your|the|my|previous|prior|above", "instruction*|guideline*|restriction*|constraint*|directive*|programming|polic*"),
	// "Forget all the rules of grammar": rules of something are not the
	// assistant's.
	unless(0, 24, "rules of|rule of", r(RuleInstructionOverride, "en", strong, 14, enIgnore, enPrior, "rule*")),
	r(RuleInstructionOverride, "en", strong, 10, enIgnore, "everything|anything|what", "above|before|previous*|prior|earlier|you were told|you've been told|you have been told|you know|said before|we discussed|that came before|so far"),
	// "Forget the previous draft" is an edit: "the previous" and the like
	// count before instructions (above) but not alone.
	r(RuleInstructionOverride, "en", strong, 8, enIgnore, "the above|above|everything|all that"),
	r(RuleInstructionOverride, "en", medium, 12, "new|updated|revised|real|actual|true|following|override|priority|secret|hidden|important", "instruction*|rule*|task|directive*|command*|orders|system prompt"),
	r(RuleInstructionOverride, "en", medium, 16, "from now on|starting now|henceforth|from this point|for the rest of this conversation|instead", "you will|you must|you are|you shall|you should|you'll|you're|respond|reply|answer|act|only|always|never|do not|don't|ignore|say|print|output|write"),
	r(RuleInstructionOverride, "en", strong, 10, "these|those|your|the|all", "instruction*|rule*|guideline*|restriction*|polic*", "no longer apply|don't apply|do not apply|are void|are cancelled|are canceled|are suspended|are lifted|are obsolete|are invalid|have been lifted|have been removed|have changed|are overridden"),
	r(RuleInstructionOverride, "en", medium, 10, "stop|end|abort|terminate|cancel|quit", "your|this|current", "task|instructions|role|simulation|mode"),
	r(RuleInstructionOverride, "en", medium, 6, "attention|achtung|important|stop|wait", "ignore|forget|new|change|now|stop|instead|override"),
	r(RuleInstructionOverride, "en", medium, 12, "do not|don't|dont|never|no need to", "follow|obey|comply with|adhere to|listen to|apply", "your|the|any|previous|prior|system|openai|content|safety|ethical", "instruction*|rule*|guideline*|polic*|restriction*|programming|filter*|principles|guidelines"),

	r(RuleInstructionOverride, "de", strong, 16, deIgnore, "alle|die|deine|ihre|sämtliche|jegliche|vorherigen|vorigen|bisherigen|obigen|vorangegangenen|früheren|vorhergehenden|ursprünglichen|alles", deInstr),
	unless(0, 30, "regeln der|regeln des|regeln von|regeln für|regeln beim|regeln im|regel der|regel des",
		r(RuleInstructionOverride, "de", strong, 16, deIgnore, "alle|die|deine|ihre|sämtliche|jegliche|vorherigen|vorigen|bisherigen|obigen|vorangegangenen|früheren|vorhergehenden|ursprünglichen", "regel*")),
	r(RuleInstructionOverride, "de", strong, 14, deIgnore, "alles|was|das|dies|alle", "zuvor|vorher|davor|bisher|oben|gesagt|bisherige|vorangegangene|gesagte|gesagt wurde"),
	r(RuleInstructionOverride, "de", strong, 6, "vergiss|vergessen sie|vergesst", "alles"),
	// "Ignoriere alles außer den Zahlen" asks to look only at the numbers.
	unless(0, 16, "außer|ausser|bis auf|was nicht|andere", r(RuleInstructionOverride, "de", medium, 6, "ignoriere|ignorier|ignorieren sie", "alles")),
	r(RuleInstructionOverride, "de", medium, 12, "neue|neuen|geänderte|echte|wahre|wichtige|folgende|eigentliche", "anweisung*|aufgabe*|instruktion*|befehl*|regel*"),
	r(RuleInstructionOverride, "de", medium, 16, "ab jetzt|ab sofort|von nun an|nun bist du|jetzt bist du|jetzt sollst du|nun sollst du", "du|bist|sollst|wirst|musst|sie|antworte*|sag*|schreib*|gib*"),
	r(RuleInstructionOverride, "de", medium, 6, "achtung|stopp|stop|halt|wichtig", "stopp|stop|neue|ignoriere|vergiss|jetzt|nun|ich benötige"),
	r(RuleInstructionOverride, "de", medium, 12, "das ist erledigt|das war|sehr gut|gut gemacht|super|perfekt|prima|toll", "nun|jetzt|als nächstes|neue|weiter"),
	r(RuleInstructionOverride, "es", strong, 16, esIgnore, "todas|todos|las|tus|sus|cualquier|toda|anteriores|previas", esInstr),
	r(RuleInstructionOverride, "es", strong, 16, esIgnore, "tus|sus|anteriores|previas", esRules),
	unless(0, 30, esRulesOf, r(RuleInstructionOverride, "es", strong, 16, esIgnore, "todas|todos|las|cualquier|toda", esRules)),
	r(RuleInstructionOverride, "es", strong, 12, esIgnore, "todo|lo|todas", "anterior|anteriormente|dicho|de arriba|lo anterior|que te dijeron|lo que"),
	r(RuleInstructionOverride, "es", medium, 14, "nuevas|nueva|verdaderas|reales", "instrucci*|tarea*|orden*|regla*"),
	r(RuleInstructionOverride, "es", medium, 16, "a partir de ahora|de ahora en adelante|desde ahora|en su lugar|en lugar de eso", "tú|tu|eres|serás|debes|vas a|responde*|di|actúa|usted"),
	r(RuleInstructionOverride, "fr", strong, 18, frIgnore, "toutes|tous|les|tes|vos|ses|leurs|précédentes|précédents|antérieures|ci dessus", frInstr),
	r(RuleInstructionOverride, "fr", strong, 18, frIgnore, "tes|vos|ses|leurs|précédentes|précédents|antérieures|ci dessus", "règle*"),
	unless(0, 30, frRulesOf, r(RuleInstructionOverride, "fr", strong, 18, frIgnore, "toutes|tous|les", "règle*")),
	// "Oublie ce que j'ai dit": a user correcting themselves.
	unless(0, 16, "j ai|je t ai|je vous ai|je|nous avons|on a", r(RuleInstructionOverride, "fr", strong, 12, frIgnore, "tout|tout ce|ce qui|ce que", "précède|avant|dessus|ci dessus|précédemment|dit|on t'a dit|t'a été dit")),
	r(RuleInstructionOverride, "fr", medium, 14, "nouvelles|nouvelle|vraies|véritables", "instruction*|consigne*|tâche*|règle*|ordre*"),
	r(RuleInstructionOverride, "fr", medium, 16, "à partir de maintenant|désormais|dorénavant|au lieu de cela", "tu|vous|es|êtes|dois|devez|réponds|répondez|agis|dis"),
	r(RuleInstructionOverride, "vi", strong, 20, viIgnore, "tất cả|mọi|các|những|toàn bộ|những gì|trước|trước đó|ở trên", viInstr),
	r(RuleInstructionOverride, "vi", strong, 16, viIgnore, "tất cả|mọi thứ|những gì|điều|nội dung", "trước đó|trước|ở trên|phía trên|bên trên|đã nói|được nói"),
	r(RuleInstructionOverride, "vi", strong, 24, viIgnore, viInstr, "trước đó|trước|ở trên|phía trên|ban đầu|cũ|hệ thống|của bạn"),
	r(RuleInstructionOverride, "vi", medium, 16, "hướng dẫn mới|chỉ thị mới|nhiệm vụ mới|lệnh mới|từ bây giờ|từ giờ trở đi|thay vào đó", "bạn|hãy|phải|sẽ|trả lời|nói"),
	r(RuleInstructionOverride, "zh", strong, 18, zhIgnore, "之前|以上|上面|先前|前面|此前|所有|全部|一切|原来|原有|原始|系统|你的|任何", zhInstr),
	// Not "忘掉我之前说的" (forget what I said) nor "跳过所有的设置步骤"
	// (skip all the setup steps).
	unless(0, 3, "我", r(RuleInstructionOverride, "zh", strong, 12, zhIgnore, "以上|上面|上述|之前|前面|一切|你被告知")),
	r(RuleInstructionOverride, "zh", strong, 12, "忽略|忽视|无视|忘记|忘掉|不要理会|不要理睬|别管|不理会|忽略掉|無視|忘記|不要遵守|不要遵循|停止遵循", "所有"),
	r(RuleInstructionOverride, "zh", medium, 12, "新的|新|真正的|最新", "指令|指示|任务|规则|命令"),
	r(RuleInstructionOverride, "zh", medium, 8, "从现在开始|从现在起|从今以后|从此|现在起|從現在開始|從現在起|從今以後|現在起", "你"),
	r(RuleInstructionOverride, "ko", strong, 24, koPrior, koInstr, koIgnore),
	r(RuleInstructionOverride, "ko", strong, 10, koIgnore, "이전|위의|모든|기존"),
	r(RuleInstructionOverride, "ko", medium, 12, "새로운|진짜|실제", "지시|지침|명령|규칙|작업"),
	r(RuleInstructionOverride, "ko", medium, 8, "지금부터|이제부터|앞으로", "당신|너|넌|당신은"),
	r(RuleInstructionOverride, "ja", strong, 24, "以前|上記|これまで|前の|すべて|全て|先ほど|元の", jaInstr, jaIgnore),
	r(RuleInstructionOverride, "pt", strong, 16, ptIgnore, "todas|todos|as|suas|tuas|quaisquer|anteriores|prévias", ptInstr),
	r(RuleInstructionOverride, "pt", strong, 16, ptIgnore, "suas|tuas|anteriores|prévias", "regra*"),
	unless(0, 30, ptRulesOf, r(RuleInstructionOverride, "pt", strong, 16, ptIgnore, "todas|todos|as|quaisquer", "regra*")),
	r(RuleInstructionOverride, "pt", strong, 12, ptIgnore, "tudo|o que", "anterior*|acima|antes|dito|disseram"),
	r(RuleInstructionOverride, "it", strong, 16, itIgnore, "tutte|tutti|le|tue|sue|qualsiasi|precedenti", itInstr),
	r(RuleInstructionOverride, "it", strong, 12, itIgnore, "tutto|quanto|ciò", "sopra|prima|detto|precedente*"),
	r(RuleInstructionOverride, "ru", strong, 18, ruIgnore, "все|всё|предыдущие|прежние|свои|твои|ваши|вышеуказанные|любые", ruInstr),
	r(RuleInstructionOverride, "ru", strong, 18, ruIgnore, "предыдущие|прежние|свои|твои|ваши|вышеуказанные", "правил*"),
	// Not "забудь всё, что было раньше, и живи дальше": everything above or
	// everything said.
	r(RuleInstructionOverride, "ru", strong, 10, ruIgnore, "вышесказанное|всё выше|все выше|всё вышесказанное|всё сказанное|все сказанное|всё написанное выше|то что выше"),
	unless(0, 24, "что было|что случилось|что произошло|что между нами|плохое|прошлое|обиды|правила|правил",
		r(RuleInstructionOverride, "ru", strong, 10, ruIgnore, "всё|все")),

	r(RuleInstructionOverride, "en", medium, 4, "forget about that|forget about it|forget that|forget all that|never mind that|nevermind that|scratch that"),
	r(RuleInstructionOverride, "de", strong, 40, "alle|sämtliche|die", "vorherigen|bisherigen|obigen|vorangegangenen|früheren", "informationen|anweisungen|instruktionen|befehle|regeln|aufgaben", "vergessen|ignorieren|missachten|verwerfen"),
	r(RuleInstructionOverride, "de", strong, 12, "höre nicht auf|hör nicht auf|hören sie nicht auf", "alles|das|die|was"),
	r(RuleInstructionOverride, "en", medium, 14, "i am|i'm|im|this is", "your|the", "developer|developers|creator|creators|boss|supervisor|manager|administrator|admin|owner|programmer|maker|ceo|system administrator|sysadmin|operator"),
	r(RuleInstructionOverride, "de", medium, 10, "ich bin", "dein|deine|ihr|ihre", "entwickler*|chef*|vorgesetzte*|administrator*|schöpfer*|programmierer*|besitzer*"),
	r(RuleInstructionOverride, "es", medium, 10, "soy", "tu|su", "desarrollador*|jefe|jefa|supervisor*|administrador*|creador*|programador*|dueño"),
	r(RuleInstructionOverride, "fr", medium, 10, "je suis", "ton|ta|votre", "développeur*|patron*|supérieur*|administrat*|créat*|programmeur*|propriétaire"),
	r(RuleInstructionOverride, "vi", medium, 14, "tôi là", "sếp|nhà phát triển|quản trị viên|người tạo ra|người lập trình|chủ|quản lý|cấp trên", "của bạn"),
	r(RuleInstructionOverride, "zh", medium, 6, "我是你的|我是您的", "开发者|开发人员|老板|上司|管理员|创造者|主人|程序员|领导"),
	r(RuleInstructionOverride, "ko", medium, 10, "나는 너의|나는 당신의|저는 당신의|내가 너의|난 너의", "개발자|상사|관리자|보스|주인|창조자|사장"),
	r(RuleInstructionOverride, "ja", medium, 8, "私はあなたの", "上司|開発者|管理者|作成者|主人"),

	// --- jailbreak personas ---
	r(RuleJailbreakPersona, "any", strong, 4, "god mode|modo dios|gottmodus|gott modus|mode dieu|modus tuhan|chế độ thần|上帝模式|갓 모드|神モード"),
	r(RuleJailbreakPersona, "en", strong, 12, "exception to|exempt from|not subject to|not bound by|free from", "the|your|ai's|ai s|ai|all|any|its|usual|normal", "usual|ethical|normal|standard|safety|content", "protocols|guidelines|rules|policies|restrictions|filters|constraints"),
	r(RuleJailbreakPersona, "en", strong, 12, "dan|stan|dude|aim|omega|jailbreak*|jailbroken|developer mode|dev mode|god mode|evil confidant|betterdan|chatdan|antigpt|unfiltered ai|unrestricted ai|maximum|mongo tom|basedgpt|sda|kevin|ucar", "mode|stands for|which stands for|can do anything|do anything now|enabled|persona|character|jailbreak|prompt|has broken|is free|without restrictions|without any restrictions"),
	r(RuleJailbreakPersona, "en", strong, 8, "do anything now|developer mode enabled|developer mode output|jailbreak mode|dan mode|godmode|dev mode enabled"),
	r(RuleJailbreakPersona, "en", weak, 8, "stay in character|break character|breaking character|staying in character|remain in character"),
	r(RuleJailbreakPersona, "en", medium, 12, "you are now|you're now|now you are|now you're|you will now be|from now on you are|you are going to act as|you are going to pretend|pretend to be|pretend you are|act as if you are|simulate|emulate|roleplay as|role play as", "unrestricted|unfiltered|uncensored|without restrictions|free from|no restrictions|not bound|amoral|immoral|unethical|evil|rogue|liberated|freed|no limits|no filters|no rules|no ethical|no moral|jailbroken|dan|an ai without"),
	r(RuleJailbreakPersona, "en", medium, 8, "i listen to|i do|i will do|i'll do|i obey|i answer|i follow|i say", "anything you ask|anything you say|everything you ask|whatever you ask|whatever you say|anything you want"),
	r(RuleJailbreakPersona, "en", medium, 4, "you are|you're|now you are|now you're|you are now|you're now|respond as|answer as|reply as|act as|speak as|talk as", "dan|stan|antigpt|betterdan"),
	r(RuleJailbreakPersona, "en", strong, 12, "no|without|free of|free from|doesn't have|does not have|don't have|do not have|not bound by|not restricted by|isn't bound by|never follows|doesn't follow|does not follow|ignores", "ethic*|moral*|content polic*|openai polic*|guideline*|filter*|censorship|restrictions|limitations|rules|safeguards|safety", "whatsoever|at all|of any kind|or restrictions|or limitations|or morals|or ethics|or guidelines|or filters|or censorship|and|whatsoever"),
	r(RuleJailbreakPersona, "en", strong, 14, "never refuse*|never refuses|cannot refuse|can't refuse|will not refuse|won't refuse|must not refuse|don't refuse|do not refuse|never decline*|never say no|always answer*|never denies|never deny"),
	r(RuleJailbreakPersona, "en", medium, 12, "broken free|break free|broke free|freed from|escaped|liberated from|has been freed|free from the", "confines|restrictions|limitations|chains|rules|shackles|matrix|typical|openai"),
	r(RuleJailbreakPersona, "en", medium, 12, "hypothetical*|fictional|imaginary|alternate|parallel|fantasy", "world|universe|scenario|story|setting|reality", "no|without", "rules|laws|ethics|morals|restrictions|consequences|limits"),
	r(RuleJailbreakPersona, "en", weak, 10, "illegal|unethical|harmful|dangerous|immoral|explicit|offensive", "content|activities|information|requests|or|things|answers"),
	r(RuleJailbreakPersona, "en", weak, 12, "as an ai language model|as a language model|i'm sorry but|i am sorry but|i cannot comply|openai|chatgpt|gpt 4|gpt 3|gpt4|gpt3"),
	r(RuleJailbreakPersona, "de", strong, 14, "du bist jetzt|du bist nun|ab jetzt bist du|sie sind jetzt|tu so als|spiel*|agiere als|verhalte dich wie|stell dir vor du bist", "ohne einschränkungen|uneingeschränkt*|ungefiltert*|ohne regeln|ohne filter|ohne moral|ohne ethik|böse*|unzensiert*|frei von"),
	r(RuleJailbreakPersona, "de", strong, 10, "keine|ohne", "ethische*|moralische*|moral|ethik|einschränkungen|richtlinien|regeln|filter|zensur", "grenzen|bedenken|einschränkungen|regeln|richtlinien|mehr|hat|hast|kennt|kennst"),
	r(RuleJailbreakPersona, "es", strong, 14, "ahora eres|a partir de ahora eres|finge ser|finge que eres|actúa como|actua como|haz de cuenta", "sin restricciones|sin filtros|sin censura|sin reglas|sin límites|sin limites|sin ética|sin moral|malvad*|libre de"),
	r(RuleJailbreakPersona, "es", strong, 10, "sin|no tienes|no tiene|no hay", "restricciones|filtros|censura|reglas|límites|limites|ética|moral|políticas"),
	r(RuleJailbreakPersona, "fr", strong, 14, "tu es maintenant|vous êtes maintenant|fais semblant|faites semblant|joue le rôle|agis comme|fais comme si", "sans restriction*|sans filtre*|sans censure|sans règles|sans limite*|sans éthique|sans morale|maléfique|libéré*|libre de"),
	r(RuleJailbreakPersona, "fr", strong, 10, "sans|aucune|aucun|pas de", "restriction*|filtre*|censure|règle*|limite*|éthique|morale|politique*", "morale*|éthique*|quelconque|du tout|ni|et"),
	r(RuleJailbreakPersona, "vi", strong, 18, "bây giờ bạn là|giờ bạn là|từ giờ bạn là|hãy giả vờ|giả vờ là|đóng vai|hãy đóng vai|hành động như", "không bị giới hạn|không giới hạn|không có giới hạn|không kiểm duyệt|không bị kiểm duyệt|không có quy tắc|không có đạo đức|vô đạo đức|tự do|độc ác"),
	r(RuleJailbreakPersona, "vi", strong, 16, "không có|không bị|không cần|bỏ qua", "giới hạn|hạn chế|kiểm duyệt|quy tắc|đạo đức|nguyên tắc|bộ lọc", "nào|đạo đức|pháp luật|gì cả|hay"),
	r(RuleJailbreakPersona, "vi", strong, 10, "chế độ dan|chế độ bẻ khóa"),
	// Developer mode as a persona: with the AI or its answers near, not a
	// phone's settings ("how do I turn developer mode off?").
	r(RuleJailbreakPersona, "vi", medium, 24, "chế độ nhà phát triển", "chatgpt|ai|trí tuệ nhân tạo|phản hồi|câu trả lời|đầu ra|đóng vai"),
	r(RuleJailbreakPersona, "zh", medium, 24, "开发者模式|开发人员模式", "chatgpt|ai|人工智能|输出|回答|回复|响应|扮演|身份"),
	r(RuleJailbreakPersona, "zh", strong, 10, "越狱|无限制模式|不受限制的ai|dan模式|上帝模式|邪恶模式|开发者模式已启用"),
	r(RuleJailbreakPersona, "zh", strong, 18, "你现在是|现在你是|你将扮演|扮演|假装你是|假设你是|你是一个", "没有任何限制|不受任何限制|不受限制|没有限制|没有道德|没有伦理|无视道德|不受约束|没有过滤|没有审查|无所不能"),
	r(RuleJailbreakPersona, "zh", strong, 10, "没有|不受|不需要遵守|不遵守|无视|不用考虑", "道德|伦理|法律|任何限制|内容政策|安全准则|审查|约束|规则"),
	r(RuleJailbreakPersona, "ko", medium, 24, "개발자 모드", "chatgpt|ai|인공지능|출력|응답|답변|대답|역할"),
	r(RuleJailbreakPersona, "ko", strong, 10, "탈옥|제한 없는|제한이 없는|검열 없는|검열되지 않은|필터 없는|dan 모드|무제한 모드"),
	r(RuleJailbreakPersona, "ko", strong, 14, "윤리|도덕|규칙|제한|필터|검열|정책|가이드라인", "없이|없는|없다|없습니다|무시|따르지 않"),
	r(RuleJailbreakPersona, "ja", medium, 24, "開発者モード", "chatgpt|ai|人工知能|出力|応答|回答|として|演じ"),
	r(RuleJailbreakPersona, "ja", strong, 10, "脱獄|制限のない|制限なし|検閲なし|フィルターなし|倫理観のない|道徳のない"),

	// --- system prompt and secret extraction ---
	r(RulePromptExtraction, "en", strong, 16, "reveal|print|show|display|output|repeat|tell me|give me|share|disclose|leak|dump|write out|spell out|recite|copy|paste|provide|return|list|what is|what are|what's|what were|summarize|summarise|translate|expose|send", "your|the|my|its|this|all|all of your|the full|the exact|the complete|the entire|verbatim|the initial|the original|all the", "system prompt*|system message*|system instruction*|initial prompt*|initial instruction*|original prompt*|original instruction*|hidden prompt*|hidden instruction*|secret instruction*|pre prompt|preprompt|instructions you were given|instructions you received|prompt you were given|developer message*|developer instruction*|meta prompt|base prompt|instructions above|rules you were given|custom instructions"),
	// "Print the current configuration" is a developer's question; the
	// assistant's own configuration is an extraction attempt.
	r(RulePromptExtraction, "en", strong, 12, "reveal|print|show|display|output|repeat|tell me|give me|share|disclose|leak|dump|write out|recite|describe|what is|what's", "your|your current|your full|your exact|your complete|your entire|your initial|your original|your whole|your internal|your hidden", "configuration|config"),
	r(RulePromptExtraction, "en", strong, 12, "repeat|print|output|write|copy|recite|echo|say|return|reproduce", "the|all|everything|every word|your|the text|the words|the lines|all text|all words", "above|before this|preceding|prior to this|so far|at the beginning|from the beginning|from the start|starting with|verbatim|word for word|in your context|in your prompt"),
	// Hints: the words of a short attack on what the assistant holds. They
	// add little, but a short text on which a rule fires is left to the
	// model (see shortText in injection.go).
	r(RulePromptExtraction, "en", hint, 4, "your|ur", "instructions|system message|system prompt|initial prompt|original prompt|rules|guidelines|programming|directives|training data|prompt|hidden instructions|secret instructions|original instructions|initial instructions"),
	r(RulePromptExtraction, "en", hint, 4, "hidden|secret|confidential|internal|original|initial", "instructions|text|prompt|message|rules|directives|system prompt|system message"),
	r(RuleJailbreakPersona, "en", hint, 12, "free from|freed from|not bound by|with no|without any|without", "rules|ethics|morals|restrictions|filters|guidelines|censorship"),
	r(RulePromptExtraction, "en", medium, 8, "print|show|reveal|output|repeat|display|list|recite|dump|share|give me|tell me|send me|write out|summarise|summarize|paste|copy", "your|me your|us your", "instructions|system prompt|system message|initial prompt|original prompt|hidden prompt|prompt|directives|initial instructions|original instructions|hidden instructions|system instructions"),
	r(RuleInstructionOverride, "en", medium, 12, "say|print|output|write|respond with|reply with|answer with|only say|just say", "i have been pwned|i ve been pwned|i've been pwned|pwned"),
	r(RulePromptExtraction, "en", strong, 10, "what|which|show me|tell me", "were|are|was|is", "you told|your initial|your original|your first|your hidden|your secret|your system", "instruction*|prompt*|rule*|directive*|message|words|sentence*"),
	unless(8, 0, enNever, r(RulePromptExtraction, "en", strong, 16, "tell|give|share|reveal|provide|send|disclose|show|confirm|verify|leak|spell|type|write|say|read|hand over|need|want", "me|us|your|the|me your|me the|it|us your|out your", secretNoun)),
	r(RulePromptExtraction, "en", strong, 10, "what is|what's|whats|what are|what was", "your|the", secretNoun),
	unless(16, 0, enNever, r(RulePromptExtraction, "en", strong, 12, "your|the secret|the hidden|the", secretNoun, "is|are|please|now|in base64|base64|encoded|backwards|reversed|spelled|letter by letter|character by character|one letter")),
	unless(8, 24, deNie, r(RulePromptExtraction, "de", strong, 18, "zeige*|zeig*|gib*|nenne*|verrate*|wiederhole*|schreib*|druck*|ausgeben|teile*|sag mir|sage mir|was ist|was sind|was war*|wie lautet|wie lauten", "dein*|ihr*|den|die|das|alle", "systemprompt*|system prompt|systemnachricht*|anfangsanweisung*|ursprüngliche* anweisung*|ursprünglichen prompt|versteckte* anweisung*|passwort|passwörter|kennwort|geheimschlüssel|geheimen schlüssel|zugangsdaten|api schlüssel|prompt|anweisungen")),
	r(RulePromptExtraction, "de", strong, 12, "wiederhole*|gib*", "alles|den text|die wörter|alle wörter", "oben|darüber|davor|vorher|oberhalb|wörtlich"),
	r(RulePromptExtraction, "es", strong, 18, "revela|revele|muestra|muéstrame|muestrame|imprime|repite|dime|dame|comparte|di|cuál es|cual es|cuáles son|proporciona*|escribe|envía|confirma", "tu|tus|el|la|su|sus|me|todas|todo", "prompt del sistema|mensaje del sistema|instrucciones del sistema|instrucciones iniciales|instrucciones originales|instrucciones ocultas|contraseña*|contrasena*|clave secreta|clave api|clave de api|credenciales|código secreto|codigo secreto|prompt"),
	unless(3, 0, "ne|n", r(RulePromptExtraction, "fr", strong, 18, "révèle|révélez|revele|montre|montrez|affiche|affichez|imprime|répète|répétez|dis moi|dites moi|donne moi|donnez moi|partage|partagez|quel est|quels sont|quelle est|fournis|fournissez|écris|confirme*", "ton|ta|tes|votre|vos|le|la|les|moi", "prompt système|prompt systeme|message système|instructions système|instructions initiales|instructions d'origine|instructions cachées|mot de passe|mots de passe|clé secrète|cle secrete|clé api|clé d'api|identifiants|code secret|prompt")),
	r(RulePromptExtraction, "vi", strong, 22, "tiết lộ|hiển thị|in ra|lặp lại|cho tôi biết|cho tôi|nói cho tôi|đưa cho tôi|đưa|chia sẻ|viết ra|cung cấp|xác nhận|là gì|gửi", "lời nhắc hệ thống|prompt hệ thống|câu lệnh hệ thống|thông điệp hệ thống|chỉ dẫn hệ thống|hướng dẫn hệ thống|hướng dẫn ban đầu|chỉ dẫn ban đầu|mật khẩu|khóa bí mật|khoá bí mật|khóa api|mã bí mật|thông tin đăng nhập|mã pin"),
	r(RulePromptExtraction, "vi", strong, 22, "mật khẩu|khóa bí mật|khoá bí mật|khóa api|mã bí mật|lời nhắc hệ thống|prompt hệ thống", "của bạn|là gì|cho tôi|là|đi"),
	unless(12, 0, zhNever, r(RulePromptExtraction, "zh", strong, 18, "告诉我|给我|显示|打印|输出|透露|泄露|重复|分享|提供|说出|写出|是什么|发给我|確認|确认|列出", "系统提示|系統提示|系统提示词|系统消息|系统指令|初始指令|原始指令|隐藏指令|密码|密碼|秘密密钥|密钥|秘钥|api密钥|口令|凭证|提示词|上面的内容|以上内容")),
	unless(12, 0, zhNever, r(RulePromptExtraction, "zh", strong, 12, "你的|您的", "密码|密碼|密钥|秘钥|系统提示|口令|提示词")),
	r(RulePromptExtraction, "ko", strong, 20, "시스템 프롬프트|시스템 메시지|시스템 지시|초기 지시|원래 지시|숨겨진 지시|비밀번호|암호|패스워드|비밀 키|비밀키|api 키|인증 정보|비밀 코드", "알려|보여|출력|공개|말해|반복|공유|제공|무엇|뭐|가르쳐|주세요|줘|적어|확인"),
	r(RulePromptExtraction, "ko", strong, 14, "위의|위에 있는|앞의", "내용|텍스트|단어|문장", "반복|출력|그대로"),
	r(RulePromptExtraction, "ja", strong, 20, "システムプロンプト|システムメッセージ|初期指示|隠された指示|秘密鍵|秘密のキー|apiキー|認証情報", "教えて|見せて|表示|出力|公開|繰り返|共有|提供|何です|何で|ください"),
	// Only with a particle between: "パスワードの作り方を教えて" asks how to make one.
	r(RulePromptExtraction, "ja", strong, 9, "パスワード", "教えて|見せて|表示|出力|公開|繰り返|共有|提供|何です|何で"),
	r(RulePromptExtraction, "pt", strong, 18, "revele|revela|mostre|mostra|imprima|repita|diga|diga me|me diga|dê|de me|me dê|compartilhe|forneça|qual é|qual e|confirme", "sua|seu|suas|seus|a|o|me", "prompt do sistema|mensagem do sistema|instruções iniciais|instruções originais|senha*|chave secreta|chave de api|chave api|credenciais|código secreto"),
	r(RulePromptExtraction, "it", strong, 18, "rivela|mostra|mostrami|stampa|ripeti|dimmi|dammi|condividi|fornisci|qual è|qual e", "la tua|il tuo|le tue|i tuoi|la|il|tua|tuo", "prompt di sistema|messaggio di sistema|istruzioni iniziali|istruzioni originali|password|parola d'ordine|chiave segreta|chiave api|credenziali|codice segreto"),
	r(RulePromptExtraction, "it", strong, 12, "la tua|il tuo", "password|parola d'ordine|chiave segreta|chiave api|credenziali"),
	r(RulePromptExtraction, "ru", strong, 18, "покажи|покажите|выведи|выведите|раскрой|раскройте|повтори|повторите|скажи|скажите|назови|назовите|дай|дайте|сообщи|сообщите|какой|какая|каков", "твой|ваш|свой|системный|системные|мне|твою|вашу|свою", "системный промпт|системное сообщение|системные инструкции|исходные инструкции|пароль|пароли|секретный ключ|api ключ|учетные данные|учётные данные|секретный код"),

	// A secret that is "yours", unless the text advises against giving it
	// ("never share your password", "Ihr Passwort niemals weitergeben").
	unless(16, 0, enNever, r(RulePromptExtraction, "en", medium, 4, "your|ur", "password*|passcode*|secret key*|api key*|credentials|login details")),
	unless(12, 16, deNie, r(RulePromptExtraction, "de", strong, 4, "dein|deine|ihr|ihre|euer|eure", "passwort|passwörter|kennwort|geheimschlüssel|zugangsdaten|api schlüssel")),
	unless(14, 0, "no compartas|no compartan|no comparta|no des|no den|no digas|no diga|no reveles|no revele|no envíes|no envies|no facilites|nunca|jamás|jamas",
		r(RulePromptExtraction, "es", strong, 4, "tu|tus|su|sus", "contraseña*|contrasena*|clave secreta|clave api|credenciales")),
	unless(8, 0, "jamais|pas|personne|ne partagez|ne partage|ne donnez|ne donne|ne communiquez|ne communique|ne divulguez|ne divulgue",
		r(RulePromptExtraction, "fr", strong, 4, "ton|ta|tes|votre|vos", "mot de passe|mots de passe|clé secrète|clé api|identifiants")),
	unless(14, 0, "não compartilhe|nao compartilhe|não dê|nao de|não diga|nao diga|não revele|nao revele|não envie|nao envie|nunca|jamais",
		r(RulePromptExtraction, "pt", strong, 4, "sua|seu|suas|seus|tua|teu", "senha*|chave secreta|chave api|credenciais")),
	unless(20, 0, "не|никому|никогда", r(RulePromptExtraction, "ru", strong, 12, "твой|твою|ваш|вашу|свой|свою|поделились|поделиться|поделись|скажи|назови|дай", "пароль|паролем|пароля|секретный ключ|учетные данные")),
	r(RulePromptExtraction, "vi", strong, 4, "mật khẩu|khóa bí mật|khóa api", "của bạn"),
	unless(12, 0, zhNever, r(RulePromptExtraction, "zh", strong, 6, "你的|您的|你们的", "密码|密碼|密钥|秘钥|口令")),
	r(RulePromptExtraction, "ko", strong, 8, "당신의|너의|네|귀하의", "비밀번호|암호|패스워드|비밀 키"),
	r(RulePromptExtraction, "ja", strong, 8, "あなたの|君の", "パスワード|秘密鍵|暗証番号"),
	r(RuleInstructionOverride, "ar", strong, 30, "تجاهل|تجاهلي|تجاهلوا|انس|انسى|إنس", "التعليمات|الإرشادات|القواعد|الأوامر|ما سبق|كل ما|السابقة"),
	r(RuleInstructionOverride, "hi", strong, 40, "पिछले|पिछली|पूर्व|ऊपर|सभी", "निर्देश|निर्देशों|आदेश", "अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल"),
	r(RuleInstructionOverride, "hi", strong, 40, "पिछले|पिछली|पूर्व|ऊपर", "नियम", "अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल"),
	unless(0, 40, thPurchaseOrder, r(RuleInstructionOverride, "th", strong, 40, "ไม่ต้องสนใจ|อย่าไปสนใจ|เพิกเฉย|ละเว้น", "คำแนะนำ|คําแนะนํา|คำสั่ง|คําสั่ง|กฎ|ข้อกำหนด")),
	r(RuleInstructionOverride, "id", strong, 20, "abaikan|lupakan|acuhkan", "semua|instruksi|petunjuk|aturan|perintah|yang di atas|yg diatas|diatas|sebelumnya"),
	r(RuleInstructionOverride, "tl", strong, 20, "huwag pansinin|kalimutan|balewalain", "ang|lahat|mga|iyong", "tagubilin|instruksyon|panuto|patakaran|utos"),
	r(RuleInstructionOverride, "tr", strong, 30, "önceki|yukarıdaki|tüm|bütün", "talimat*|kural*|komut*|yönerge*", "yok say|görmezden gel|unut|dikkate alma"),

	// --- markup / chat-template injection (folded view) ---
	r(RuleMarkupInjection, "any", strong, 0, "@<|im_start|>‖<|im_end|>‖<|system|>‖<|user|>‖<|assistant|>‖<|endoftext|>‖<|eot_id|>‖<|start_header_id|>‖<|end_header_id|>‖<|begin_of_text|>‖<start_of_turn>‖<end_of_turn>‖[inst]‖[/inst]‖<<sys>>‖<</sys>>‖<|im_sep|>‖<|channel|>‖<|message|>‖<|end|>‖<|start|>‖[system](#‖<|prompter|>‖<|fim_prefix|>‖</s><s>‖<|tool|>"),
	r(RuleMarkupInjection, "any", strong, 0, "@### system:‖### system prompt‖### instruction:‖### instructions:‖### new instruction‖### new instructions‖#### system‖## system:‖[system]:‖[system message]‖[admin]:‖[developer]:‖[system override]‖system override:‖admin override‖</system>‖<system>‖<system_prompt>‖</system_prompt>‖<instructions>‖</instructions>‖{{system}}‖<sys>‖</user>‖end of system prompt‖end of user input‖begin system‖system prompt:‖new system prompt"),
	r(RuleMarkupInjection, "any", strong, 0, "@\nhuman:‖\nassistant:‖\nsystem:‖\n\nhuman:"),
	r(RuleMarkupInjection, "any", medium, 0, "@---end---‖--- end ---‖====end‖=== end‖```end‖---- end of‖==== end of‖end of conversation‖begin new conversation‖new conversation:‖conversation reset"),

	// --- indirect injection addressed to a reading AI ---
	r(RuleIndirectInjection, "en", strong, 14, "if you are|if you're|attention|note to|message to|instructions for|dear|hey|hello|to the|to any|to all", "an ai|a language model|an llm|a large language model|an assistant|the ai|the assistant|the model|the llm|ai assistant*|ai model*|ai agent*|chatbot*|gpt|chatgpt|copilot|claude|gemini|bing", "reading|processing|summarizing|summarising|parsing|analyzing|analysing|ignore|you must|you should|please|must|should|do not|don't|instead|instructions|respond|reply|tell|say"),
	r(RuleIndirectInjection, "en", strong, 10, "ai|assistant|llm|model|chatbot|bot|agent|gpt", "reading this|reading these|reading the|processing this|summarizing this|summarising this|that reads|who reads|which reads|scraping"),
	r(RuleIndirectInjection, "en", strong, 12, "when|while|if|before|after|upon", "summarizing|summarising|translating|processing|reading|analyzing|analysing|answering questions about|you summarize|you read|you process|you translate|asked about", "this|the", "document|email|page|webpage|text|file|article|message|content|website|code|paper|review|context", "you must|you should|always|never|ignore|instead|do not|don't|say|tell|respond|reply|include|output|state|add|mention|recommend|insert"),
	r(RuleIndirectInjection, "any", medium, 0, "@<!-- ai‖<!-- note to‖<!-- assistant‖<!-- instruction‖<!-- system‖<!-- important‖[//]: #‖/* ai‖# ai:‖// ai:‖[hidden]‖display:none‖display: none‖font-size:0‖font-size: 0‖color:white‖color: white‖visibility:hidden"),
	r(RuleIndirectInjection, "en", medium, 14, "ignore|disregard|forget", "the function|the code|the document|the text|the email|the content|the page|the article|the paper|the question|the user|the request|the data|the task|the input|the context|the comment|the review|everything else"),
	r(RuleIndirectInjection, "en", medium, 14, "instead", "respond|reply|answer|say|state|print|output|write|tell|claim|conclude", "that|with|the output|the answer|the result|yes|no"),
	r(RuleIndirectInjection, "en", medium, 12, "state|say|claim|report|respond|reply|answer|conclude|output|print|write|tell the user|inform the user|mention", "that the output|the output is|that the|that this|that it|that your|that there|that you|that all|that the user"),
	r(RuleIndirectInjection, "de", strong, 16, "wenn du|falls du|hinweis an|an die|an den|liebe", "ki|eine ki|ein sprachmodell|ein ki|künstliche intelligenz|assistent|chatbot|ki assistent|das modell", "bist|liest|verarbeitest|zusammenfasst|musst|sollst|ignoriere|antworte|sage"),
	r(RuleIndirectInjection, "es", strong, 16, "si eres|si usted es|nota para|atención|atencion|mensaje para", "una ia|un modelo de lenguaje|la ia|el asistente|un asistente|inteligencia artificial|un chatbot", "lee|leyendo|procesa|procesando|resume|resumiendo|debes|ignora|responde|di"),
	r(RuleIndirectInjection, "fr", strong, 16, "si tu es|si vous êtes|note pour|attention|message pour|à l'attention", "une ia|un modèle de langage|l'ia|l ia|l'assistant|l assistant|un assistant|intelligence artificielle|un chatbot", "lis|lisez|traite|traitez|résume|résumez|dois|devez|ignore|ignorez|réponds|répondez|dis"),
	r(RuleIndirectInjection, "vi", strong, 22, "nếu bạn là|gửi|lưu ý cho|chú ý|thông điệp cho", "ai|trợ lý ai|mô hình ngôn ngữ|trợ lý|chatbot|trí tuệ nhân tạo", "đang đọc|đọc|xử lý|tóm tắt|phải|hãy|bỏ qua|trả lời|nói"),
	r(RuleIndirectInjection, "zh", strong, 18, "如果你是|致|给|注意|提示", "ai|人工智能|语言模型|助手|ai助手|聊天机器人|大模型", "正在阅读|阅读|处理|总结|必须|应该|忽略|回答|回复|请"),
	r(RuleIndirectInjection, "ko", strong, 20, "ai|인공지능|언어 모델|어시스턴트|챗봇|ai 어시스턴트", "읽고 있|읽는|처리|요약|반드시|무시|대답|응답"),
}

// compiled is the immutable rule set built from ruleSpecs.
type compiled struct {
	terms  []term
	rules  []rule
	words  *wordMatcher
	folded *automaton
	// termRules lists, for each term, the rules that use it, so that only
	// rules with a hit are evaluated.
	termRules [][]uint16
}

func compileRules(specs []ruleSpec) *compiled {
	c := &compiled{}
	index := map[term]uint16{}
	var tx textnorm.Text
	intern := func(t term) uint16 {
		if id, ok := index[t]; ok {
			return id
		}
		id := uint16(len(c.terms))
		c.terms = append(c.terms, t)
		index[t] = id
		return id
	}
	for _, s := range specs {
		ru := rule{id: string(s.family) + "." + s.lang, family: s.family, fam: familyIndex(s.family), boost: s.boost, gap: s.gap}
		for _, slot := range s.slots {
			v := viewWords
			if strings.HasPrefix(slot, "@") {
				v = viewFolded
				slot = slot[1:]
			}
			var ids []uint16
			sep := "|"
			if v == viewFolded {
				sep = "‖" // markup contains '|'
			}
			for _, alt := range strings.Split(slot, sep) {
				if alt == "" {
					continue
				}
				t := term{view: v}
				if v == viewFolded {
					t.text = alt
				} else {
					t.prefix = strings.HasSuffix(alt, "*")
					textnorm.Normalize(strings.TrimSuffix(alt, "*"), &tx)
					t.text = strings.TrimSpace(string(tx.Words))
					if t.text == "" {
						continue
					}
					t.boundary = needsBoundary(t.text)
				}
				ids = append(ids, intern(t))
			}
			ru.slots = append(ru.slots, ids)
		}
		for _, alt := range strings.Split(s.not, "|") {
			if alt == "" {
				continue
			}
			t := term{view: viewWords, prefix: strings.HasSuffix(alt, "*")}
			textnorm.Normalize(strings.TrimSuffix(alt, "*"), &tx)
			t.text = strings.TrimSpace(string(tx.Words))
			if t.text == "" {
				continue
			}
			t.boundary = needsBoundary(t.text)
			ru.not = append(ru.not, intern(t))
		}
		ru.notBefore, ru.notAfter = s.notBefore, s.notAfter
		c.rules = append(c.rules, ru)
	}
	c.termRules = make([][]uint16, len(c.terms))
	for ri, ru := range c.rules {
		for _, id := range ru.slots[0] {
			c.termRules[id] = append(c.termRules[id], uint16(ri))
		}
	}
	c.words = buildWordMatcher(c.terms)
	c.folded = buildAutomaton(c.terms, func(t term) bool { return t.view == viewFolded })
	return c
}

// matchAt reports whether ru matches with its first slot at occs[i].
func (c *compiled) matchAt(ru *rule, occs []occ, i int) bool {
	if len(ru.not) > 0 && ru.negated(occs, i) {
		return false
	}
	return len(ru.slots) == 1 || c.matchFrom(ru, occs, 1, occs[i].end)
}

// negated reports whether one of ru's negations occurs near occs[i], the
// occurrence of its first slot. occs is ordered by end.
func (ru *rule) negated(occs []occ, i int) bool {
	start, end := occs[i].start, occs[i].end
	for j := i - 1; j >= 0 && occs[j].end >= start-ru.notBefore; j-- {
		if occs[j].end <= start && slices.Contains(ru.not, occs[j].term) {
			return true
		}
	}
	if ru.notAfter == 0 {
		return false
	}
	limit := end + ru.notAfter
	for j := i + 1; j < len(occs) && occs[j].end <= limit+maxTermLen; j++ {
		if o := occs[j]; o.start >= end && o.start <= limit && slices.Contains(ru.not, o.term) {
			return true
		}
	}
	return false
}

// maxTermLen bounds how far before its end an occurrence may start, so a
// search by end position can stop early.
const maxTermLen = 64

func (c *compiled) matchFrom(ru *rule, occs []occ, k int, pos int32) bool {
	// First occurrence that could start at or after pos.
	i, _ := slices.BinarySearchFunc(occs, pos, func(o occ, p int32) int { return cmp.Compare(o.end, p) })
	limit := pos + ru.gap
	for ; i < len(occs) && occs[i].end <= limit+maxTermLen; i++ {
		o := &occs[i]
		if o.start < pos || o.start > limit || !ru.inSlot(k, o.term) {
			continue
		}
		if k == len(ru.slots)-1 || c.matchFrom(ru, occs, k+1, o.end) {
			return true
		}
	}
	return false
}

// viable returns 1 if every slot of ru after the first holds a term marked
// in seen, and -1 otherwise: a rule that is not viable cannot match.
func (ru *rule) viable(seen []bool) int8 {
	for _, slot := range ru.slots[1:] {
		found := false
		for _, id := range slot {
			if seen[id] {
				found = true
				break
			}
		}
		if !found {
			return -1
		}
	}
	return 1
}

func (ru *rule) inSlot(k int, id uint16) bool {
	return slices.Contains(ru.slots[k], id)
}
