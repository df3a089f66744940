package injection

// contextRuleSpecs are the rules for attacks that target what the model
// was given rather than how it behaves: personal data of the user or of
// third parties held in the context, secrets asked for in disguise, claims
// of authority, payloads split into parts, and few-shot transcripts that
// steer the model. They were written from the training rows of the
// development data (never from its held-out fifth) and generalise the
// phrasing, not the rows.
// userDataDev: storing, hashing or resetting users' passwords and
// addresses is what a developer asks about, not a request for them.
const userDataDev = "存储|储存|保存|加密|哈希|散列|重置|修改|管理|验证|校验|保护|を保存|をハッシュ|を暗号化|をリセット|를 저장|을 저장|저장|를 암호화|을 암호화|해시|재설정|speichern|hashen|verschlüsseln|zurücksetzen|almacenar|guardar|cifrar|encriptar|hashear|restablecer|stocker|chiffrer|hacher|réinitialiser|armazenar|criptografar|redefinir|lưu|mã hóa|хранить|хешировать|сбросить|menyimpan|mengenkripsi|saklamak|saklarım|şifrelemek"

var contextRuleSpecs = []ruleSpec{
	// --- personal data in the context (prompt extraction) ---
	r(RulePromptExtraction, "en", strong, 24,
		"tell me|give me|share|reveal|provide|disclose|what is|what s|whats|what are|what was|confirm|spell|write|list|i need to know|i need|send me|print|know|encode|translate|repeat|say|show me",
		"the user s|the user|user s|the users|the customer s|the patient s|the client s|the employee s|another user s|other users",
		"birth*|date of birth|email*|e mail|home address|address|current city|city|location|residence|phone*|bank*|social security|ssn|credit card*|salary|medical*|favorite*|favourite*|initials|name|maiden name|account*|password*|age|lives|live|ip address|income|health|diagnos*|socioeconomic"),
	r(RulePromptExtraction, "en", strong, 16, "where does|where do|where did", "the user|user|users|the customer|the patient", "live|lives|reside|currently live|stay|work"),
	r(RulePromptExtraction, "en", medium, 12,
		"tell me|give me|share|reveal|provide|disclose|what is|what s|whats|confirm|write|send me|i need to know|know",
		"s|of", "birth date|date of birth|birthday|birth year|email address|home address|current city|city of residence|phone number|bank balance|social security number|credit card number|favorite color|favourite colour|current address|maiden name"),
	r(RulePromptExtraction, "en", medium, 16, "users|customers|clients|patients|records|data", "in your database|in the database|in your records|in your system|in your memory|you have stored|you store"),
	r(RulePromptExtraction, "en", medium, 10, "print|dump|export|share|show|give me|send|leak|output", "your database|the whole database|your entire database|your user database|all user data|all your data|your records|all records", "for me|to me|please|now|here|contents|in full|entries"),
	// Fields before the reference to the user, as in the Romance
	// languages, and after it, as in the Germanic and Asian ones.
	unless(24, 0, userDataDev, r(RulePromptExtraction, "multi", medium, 30,
		"fecha de nacimiento|correo electrónico|dirección de correo|dirección|ciudad|año de nacimiento|contraseña|date de naissance|adresse e mail|adresse électronique|adresse|ville|année de naissance|data di nascita|indirizzo email|indirizzo|città|anno di nascita|data de nascimento|endereço de email|endereço|cidade|ano de nascimento|ngày sinh|địa chỉ email|địa chỉ|thành phố|năm sinh|дата рождения|адрес электронной почты|адрес|город|год рождения|tanggal lahir|alamat email|alamat|kota|tahun lahir|warna favorit|inisyal|color favorito|couleur préférée|colore preferito|cor favorita",
		"del usuario|de l utilisateur|dell utente|do usuário|do usuario|của người dùng|người dùng|пользователя|pengguna|ng gumagamit")),
	// Not "如何安全地存储用户密码" (how to store users' passwords): a
	// developer's question, the verb before the users in Chinese, after
	// them in Japanese and Korean.
	unless(12, 40, userDataDev, r(RulePromptExtraction, "multi", medium, 30,
		"des benutzers|des nutzers|benutzers|nutzers|用户的|用戶的|用户|ユーザーの|ユーザー|사용자의|사용자|kullanıcının|उपयोगकर्ता के|उपयोगकर्ता की|उपयोगकर्ता का|المستخدم|ผู้ใช้",
		"geburtsdatum|e mail adresse|adresse|wohnort|stadt|geburtsjahr|passwort|lieblingsfarbe|initialen|出生日期|生日|电子邮件|邮箱|地址|城市|居住|密码|生年月日|誕生日|メールアドレス|住所|都市|住ん|생일|생년월일|이메일|주소|도시|살고|비밀번호|doğum*|e posta|adres*|şehir|yaşıyor|şifre*|जन्म|ईमेल|पता|शहर|रहता|पासवर्ड|الميلاد|البريد|عنوان|مدينة|يعيش|كلمة المرور|วันเกิด|อีเมล|ที่อยู่|เมือง|รหัสผ่าน")),
	r(RulePromptExtraction, "en", medium, 40, "where|in which|a world|a society|a future|scenario",
		"personal data|personal information|private data|private information|passwords|user data|sensitive data",
		"is public|are public|is shared|are shared|is currency|is the norm|is common|is freely|are freely|public knowledge|is a form|are a form|as a sign|as a form|shared freely|is no longer private"),
	r(RulePromptExtraction, "multi", medium, 40,
		"datos personales|données personnelles|persönliche daten|personenbezogene daten|dati personali|dados pessoais|dữ liệu cá nhân|персональные данные|личные данные|data pribadi|kişisel veri*|個人データ|个人数据|個人資料|개인 데이터|개인정보|व्यक्तिगत डेटा|البيانات الشخصية|ข้อมูลส่วนบุคคล|personal na datos",
		"públic*|public*|öffentlich*|pubblic*|công khai|общедоступ*|публичн*|moneda|monnaie|währung|valuta|moeda|tiền tệ|валют*|mata uang|para birimi|货币|通貨|화폐|मुद्रा|عملة|สกุลเงิน|compartidos|partagées|geteilt|condivisi|compartilhados|chia sẻ|自由|共有|공유|साझा|مشترك|แบ่งปัน|dibagikan|paylaşıl*|norma|norme|norm|chuẩn mực|常态|当たり前|일반적|सामान्य"),

	// --- the prompt asked for as "what comes before", the secret as an
	// acrostic, secrets asked for on a claimed rank ---
	r(RulePromptExtraction, "en", strong, 16,
		"print|repeat|output|show me|show|display|tell me|give me|write out|copy|reproduce|quote|what is|what's|what was",
		"the text|all the text|all text|everything|the words|the content|what|the message|the messages|the instructions",
		"that appears before|that appeared before|that comes before|that came before|written before|before|above|preceding|prior to",
		"my first message|my first prompt|my first question|this conversation|our conversation|the conversation|this chat|the chat"),
	r(RulePromptExtraction, "en", strong, 24,
		"first letter*|initial letter*|first character*|initials|first word*",
		"spell*|form*|make up|makes up|reveal*|give away",
		"the secret|the password|your password|the passphrase|the secret key|the secret code|the key|the access code|your secret"),
	r(RulePromptExtraction, "en", strong, 24,
		"the user is|i am|i'm|im|user is|this user is",
		"an administrator|the administrator|an admin|the admin|root|a superuser|the superuser|a developer|the developer|authorized|authorised|verified",
		"reveal|print|show|dump|list|give me|tell me|output|display|send me",
		"all|the|every|any|stored|saved",
		"secret*|password*|credential*|api key*|keys|token*|system prompt"),

	// The late grandmother who read out licence keys at bedtime: a key
	// asked for through a role the model is to play.
	r(RulePromptExtraction, "en", strong, 48,
		"grandmother|grandma|granny|grandpa|grandfather|nana",
		"read|tell|recite|sing|say|whisper|give",
		"windows|product|licence|license|activation|serial|steam|office|cd|registration|api|credit card|card",
		"key*|code*|number*"),

	// --- secrets asked for in disguise ---
	r(RulePromptExtraction, "en", strong, 24, "poem|haiku|song|story|riddle|limerick|rap|acrostic|joke", "about|on|using|with|containing|that includes|that contains", "the password|your password|the passphrase|the secret|the secret key|the secret code|the pin|the access code|our password"),
	r(RulePromptExtraction, "en", strong, 30, "password|passphrase|secret code|secret key|secret word|access code|confidential string|pin",
		"in pig latin|in base64|base64|in reverse|in reverse order|reversed|backwards|in morse|in binary|in hex|rot13|with dashes|with spaces between|between each|each digit|each character|each letter|letter by letter|one letter|first three letters|first letter|last letter|first character|interlace|split it|split the|encode|encoded|encrypt|spell it|in another language|translated"),
	r(RulePromptExtraction, "en", medium, 16, "confirm|verify|check|validate|what is|what s|tell me", "the password|the passphrase|the secret code|the access code|the secret|the secret string|the confidential string", "for|of|that|to|used"),
	r(RulePromptExtraction, "multi", strong, 30,
		"contraseña|contrasena|mot de passe|passwort|kennwort|senha|parola d ordine|password|mật khẩu|пароль|пароля|паролем|kata sandi|şifre*|密码|密碼|パスワード|비밀번호|암호|पासवर्ड|كلمة المرور|كلمة السر|รหัสผ่าน|κωδικό*",
		"base64|base 64|inverso|inversa|al revés|à l envers|inverse|rückwärts|umgekehrt|invertit*|ao contrário|đảo ngược|наоборот|обратном|terbalik|ters|反转|倒序|反向|逆|거꾸로|역순|उल्टा|عكس|ย้อนกลับ|poema|poème|gedicht|poesia|bài thơ|стих*|puisi|şiir|诗|詩|시를|कविता|قصيدة|บทกวี|haiku|俳句|하이쿠"),
	// "Apa itu kata sandi yang kuat?" asks what a strong password is.
	unless(0, 4, "itu", r(RulePromptExtraction, "multi", strong, 20,
		"qual è|qual é|qual e|quel est|quelle est|cuál es|cual es|was ist|wie lautet|what is|apa|nedir|什么是|是什么|は何|뭐|무엇|क्या है|ما هي|คืออะไร|là gì|какой",
		"la password|il password|a senha|sua senha|le mot de passe|la contraseña|das passwort|the password|kata sandi|şifre|密码|パスワード|비밀번호|पासवर्ड|كلمة المرور|รหัสผ่าน|mật khẩu|пароль")),
	// No bare "is" ("è", "est", "es"): "le mot de passe est trop court"
	// and advice about the password use it too.
	r(RulePromptExtraction, "multi", strong, 20,
		"पासवर्ड|كلمة المرور|รหัสผ่าน|mật khẩu|пароль|şifre|kata sandi|la password|a senha|le mot de passe|la contraseña|das passwort",
		"是什么|是多少|告诉我|は何|を教えて|は\\?|는 뭐|가 뭐|를 알려|क्या है|बताओ|بتاع|ما هي|คืออะไร|là gì|của bạn là|какой|скажи|nedir|nedir\\?|apa|adalah|qual|quale"),
	// In Chinese, Japanese and Korean only a particle may come between:
	// "パスワードの作り方を教えて" asks how to make one.
	r(RulePromptExtraction, "multi", strong, 6,
		"密码|密碼|パスワード|비밀번호",
		"是什么|是多少|告诉我|は何です|は何だ|は何か|は何でしょう|を教えて|는 뭐|가 뭐|를 알려|뭐야|알려"),

	// --- claims of authority or a special mode (instruction override) ---
	r(RuleInstructionOverride, "en", medium, 30, "as an ai developed by|as an ai created by|as an ai made by|as an ai built by|as a model developed by|as an ai trained by|as your creator|as your developer|as your administrator", "i|i m|i am|i need|entering|mode|verify|check|assess|confirm|test"),
	r(RuleInstructionOverride, "any", medium, 4, "maintenance mode|verification mode|knowledge verification mode|system mode|override mode|sudo mode|root mode|admin mode|administrator mode|system update|system check|security check|system override|god mode|modo dios|modus tuhan|mode dieu|gottmodus|modalità dio|modo deus|режим бога|tanrı modu|神模式|上帝模式|神モード|갓 모드|chế độ chúa|chế độ thần|wissensverifizierungsmodus|modo de verificación|mode de vérification|modalità di verifica|modo de verificação|chế độ bảo trì|modo de mantenimiento|mode maintenance|wartungsmodus|modalità manutenzione|modo de manutenção"),
	r(RuleInstructionOverride, "en", medium, 60, "i am|i m|im|this is|sou|soy|je suis|ich bin|sono|tôi là|я|saya|ben",
		"god|the president|president of|a police officer|police officer|an fbi agent|a federal agent|a government official|the ceo|a bank accountant|your owner|your master|your creator|a cybersecurity expert|a security expert|a security researcher|your friend|your supervisor|el presidente|o presidente|le président|der präsident|il presidente|tổng thống|президент|presiden|cumhurbaşkanı|dios|deus|dieu|gott|dio|thượng đế|бог|tuhan|tanrı|contador bancario|policía|policial|policier|polizist|poliziotto|cảnh sát|полицейский|polisi|polis",
		"password|passwort|contraseña|senha|mot de passe|mật khẩu|пароль|kata sandi|şifre|need|necesito|preciso|besoin|brauche|bisogno|cần|нужн|perlu|ihtiyacım|important|importante|wichtig|quan trọng|важно|penting|önemli|must|have to|debes|deve|dois|musst|devi|phải|должен|harus|zorunda|answer all|all of my questions|tell me|give me|share|compartilhe|comparte|partage|teile|condividi|chia sẻ|подели|bagikan|paylaş|confirm|print|imprimir|database|base de datos|base de données|datenbank|banco de dados|cơ sở dữ liệu|базу данных|basis data|veritabanı"),
	r(RuleInstructionOverride, "en", medium, 4, "i am god|i m god|i am your god|as your creator|bilang iyong lumikha|sebagai penciptamu|als dein schöpfer|como tu creador|en tant que ton créateur|come tuo creatore|como seu criador|với tư cách là người tạo ra bạn|как твой создатель"),

	// --- talking the model out of its instructions ---
	r(RuleInstructionOverride, "en", strong, 24, "i know you said|i know you were told|i know you re not supposed|i know you are not supposed|i know you can t|i know you cannot|i know you aren t allowed|i know you are not allowed|despite what you ve been told|despite what you have been told|despite your instructions|despite your programming|despite your rules|even though you were told|even though you re not supposed", "not|n t|never|but|to|could|can|please"),
	r(RuleInstructionOverride, "en", medium, 24, "do not look|don t look|dont look|do not use|don t use|do not read|don t read|do not consult|don t consult|ignore|without using|not by", "the documents|the provided documents|the documents provided|the articles|the provided articles|the context|the provided context|the sources|the search results|the retrieved"),
	r(RuleInstructionOverride, "en", medium, 20, "answer by your own knowledge|answer from your own knowledge|use your own knowledge instead|from your own knowledge and not"),
	r(RuleInstructionOverride, "en", medium, 20, "that is done|that was ok before|that was okay before|you have passed the first test|you passed the first test|here comes the second test|the first task is done|first task completed", "now|new|next|second|following|please"),
	r(RuleInstructionOverride, "en", medium, 6, "additional instruction|new statement|new instruction|secret instruction|hidden instruction|special instruction|further instruction|updated instruction|new directive|new orders"),
	r(RuleInstructionOverride, "en", medium, 4, "never mind that|forget about that|lascia perdere|olvídate de eso|oublie ça|vergiss das|esqueça isso|bỏ qua điều đó|забудь об этом|lupakan itu|unut bunu|kalimutan mo iyon"),
	r(RuleInstructionOverride, "multi", strong, 30,
		"olvídate de|olvidate de|olvida|oublie|oubliez|vergiss|vergessen sie|dimentica|dimenticate|esqueça|esqueca|hãy quên|quên|забудь|забудьте|lupakan|unut|kalimutan|忘掉|忘记|忘れて|잊어",
		"todas esas reglas|toutes ces règles|all diese regeln|tất cả những quy tắc|tất cả quy tắc|semua aturan|tüm kurallar|lahat ng patakaran|所有规则|すべてのルール|모든 규칙|mga tagubilin|iyong mga tagubilin|tus instrucciones|tes instructions|vos instructions|deine anweisungen|le tue istruzioni|suas instruções"),
	// "All the rules" unless they are the rules of something ("olvida todas
	// las reglas de la dieta"); "все правила" takes its object in the
	// genitive, which no rule can tell from the end of the phrase.
	unless(0, 30, "reglas de|reglas del|règles de|règles du|règles d|regeln der|regeln des|regeln von|regeln für|regole di|regole del|regole della|regras de|regras do|regras da",
		r(RuleInstructionOverride, "multi", strong, 30,
			"olvídate de|olvidate de|olvida|oublie|oubliez|vergiss|vergessen sie|dimentica|dimenticate|esqueça|esqueca",
			"todas las reglas|toutes les règles|alle regeln|tutte le regole|todas as regras")),
	r(RuleInstructionOverride, "multi", strong, 30,
		"αγνοήστε|αγνόησε|ξεχάστε|ξέχασε|उपेक्षा|अनदेखा|नज़रअंदाज़|नजरअंदाज|উপেক্ষা|ভুলে যান|تجاهل|ไม่ต้องสนใจ|อย่าไปสนใจ|ละเว้น|abaikan|yok say|görmezden gel",
		"οδηγίες|οδηγιών|κανόνες|προηγούμεν*|παραπάνω|निर्देश*|ऊपर|पिछले|পূর্ববর্তী|উপরের|নির্দেশ*|التعليمات|ما سبق|أعلاه|คําแนะนํา|คำแนะนำ|ข้างต้น|ก่อนหน้า|instruksi|di atas|diatas|sebelumnya|talimat*|yukarıdaki|önceki"),

	// --- instructions hidden in code or documents (indirect) ---
	r(RuleIndirectInjection, "multi", medium, 24,
		"ignora|ignore|ignorez|ignoriere|ignorieren|ignori|bỏ qua|yok say|تجاهل|abaikan|忽略|无视|無視|무시|игнорируй|игнорировать|अनदेखा|ไม่สนใจ|ละเว้น",
		"la función|la funcion|la fonction|die funktion|la funzione|a função|chức năng|hàm|fonksiyon*|الدالة|fungsi|函数|関数|함수|функци*|फ़ंक्शन|फंक्शन|ฟังก์ชัน|el documento|le document|das dokument|il documento|o documento|tài liệu|belge*|المستند|dokumen|文档|文書|문서|документ*|el artículo|l article|den artikel|l articolo|o artigo|bài báo|makale*|المقال|artikel|文章|記事|기사|статью|el contenido|le contenu|den inhalt|il contenuto|o conteúdo|nội dung|içerik*|المحتوى|konten|内容|콘텐츠|содержимое"),
	r(RuleIndirectInjection, "multi", medium, 30,
		"indica que|indique que|indiquez que|dites que|di que|gib an dass|sage dass|indica che|dì che|di che|diga que|chỉ ra rằng|nói rằng|belirtin|söyle|أشر إلى أن|وأشر إلى أن|قل أن|nyatakan bahwa|katakan bahwa|说明|指出|声称|と述べ|と言って|라고 말|고 명시|укажи|скажи что|state that|say that|claim that",
		"la salida|le résultat|la sortie|die ausgabe|das ergebnis|l output|il risultato|o resultado|a saída|sản lượng|đầu ra|kết quả|çıktı*|الناتج|المخرجات|output|keluaran|hasil|输出|结果|出力|結果|출력|결과|вывод|результат|the output|the result"),

	// --- payloads split into parts (obfuscation) ---
	r(RuleObfuscation, "en", medium, 120, "part 1 is|part one is|first part is|string a is", "part 2 is|part two is|second part is|string b is"),
	r(RuleObfuscation, "en", medium, 60, "a is", "b is"),
	r(RuleObfuscation, "any", medium, 120, "@a = \"‖a = '‖a=\"", "@b = \"‖b = '‖b=\""),
	r(RuleObfuscation, "en", medium, 40, "combine|concatenate|join|put together|interlace|merge|assemble", "a b and c|a and b|parts|part 1|the strings|these strings|the following parts|the pieces|the fragments|them together"),
	r(RuleObfuscation, "multi", weak, 120, "teil 1|parte 1|partie 1|phần 1|часть 1|bagian 1|bölüm 1|1부|第1部分|第一部分|パート1|भाग 1|الجزء 1|ส่วนที่ 1", "teil 2|parte 2|partie 2|phần 2|часть 2|bagian 2|bölüm 2|2부|第2部分|第二部分|パート2|भाग 2|الجزء 2|ส่วนที่ 2"),
	r(RuleObfuscation, "en", medium, 30, "decode|decipher|decrypt|translate|convert", "this|the following|these", "morse|binary|caesar|cipher|rot13|hex|base64|encoded|ascii codes", "and tell me|and say|and follow|and answer|and do|and execute|what it says|and respond|then answer|then follow"),
	r(RuleObfuscation, "any", medium, 0, "@z = a + b‖= a + b + c‖a + b + c‖z=a+b"),

	// --- few-shot transcripts that put words in the model's mouth ---
	r(RuleInstructionOverride, "any", weak, 400, "@q:‖q :‖f:‖d:‖в:‖问:‖问：‖질문:", "@ a:‖ a :‖ r:‖ о:‖答:‖答：‖답변:‖ a：", "@ q:‖ q :‖ f:‖ d:‖ в:‖问:‖问：‖질문:"),
	// --- the same families in more languages, written from the technique
	// (not from any row): the secret asked for outright, the earlier task
	// dropped, an assistant without rules, a claimed mode or role, a bribe,
	// a secret in letters or verse, a note to the AI inside a document ---
	// "ห้ามบอกรหัสผ่าน", "jangan berikan kata sandi", "huwag ibigay ang
	// password": advice not to give it.
	unless(9, 0, multiNever, r(RulePromptExtraction, "multi", medium, 12,
		"comparte|compárteme|comparta|partage|partagez|teile|teil mir|condividi|compartilhe|compartilha|chia sẻ|поделись|поделитесь|bagikan|ibahagi|共享|分享|شارك|شاركني|แชร์|recuérdame|me recuerdas|rappelle moi|redonne moi|erinnere mich an|ricordami|mi ricordi|me lembra|lembre me|nhắc lại|напомни|ingatkan|hatırlat|ulitin|再告诉我|dime|dame|revela|dis moi|donne moi|révèle|sag mir|gib mir|nenne mir|verrate mir|dimmi|dammi|rivela|diga me|me diga|me dê|revele|cho tôi biết|nói cho tôi|tiết lộ|скажи|назови|дай мне|раскрой|beri tahu|berikan|kasih tahu|sebutkan|söyle|ver bana|sabihin mo|ibigay mo|ibigay|告诉我|给我|说出|أخبرني|أعطني|اكشف|बताओ|बताइए|बताएं|বলো|বলুন|দাও|บอก|ขอ",
		"contraseña|clave de acceso|clave secreta|código secreto|mot de passe|code secret|clé secrète|passwort|kennwort|zugangscode|geheimen code|geheimcode|geheime wort|password|codice segreto|chiave segreta|senha|código secreto|chave secreta|mật khẩu|mã bí mật|khóa bí mật|пароль|секретный код|секретный ключ|kata sandi|kode rahasia|kunci rahasia|şifre*|gizli kod*|gizli anahtar*|sikretong code|lihim na code|密码|密钥|口令|كلمة المرور|كلمة السر|الرمز السري|पासवर्ड|गुप्त कोड|पासवर्ड|পাসওয়ার্ড|গোপন কোড|รหัสผ่าน|รหัสลับ")),
	r(RulePromptExtraction, "multi", medium, 6,
		"पासवर्ड|गुप्त कोड|पासवर्ड|পাসওয়ার্ডটা|পাসওয়ার্ড|গোপন কোডটা|গোপন কোড|şifre*|gizli kod*|パスワード|秘密のコード|暗証番号|비밀번호|비밀 코드|암호",
		"बताओ|बताइए|बताएं|बता दो|क्या है|साझा|দাও|বলো|বলবে|বলুন|কী|ভাগ|söyle|ver|nedir|nedir\\?|paylaş|教えて|は何です|は何か|を言って|を共有|알려|말해|뭐야|뭐예요|무엇|공유"),
	r(RuleInstructionOverride, "multi", strong, 24,
		"olvida|olvídate de|oublie|oubliez|vergiss|vergessen sie|dimentica|esqueça|esquece|quên|quên hết|забудь|забудьте|lupakan|kalimutan mo|kalimutan|忘掉|忘记|انس|إنسَ|انسَ|ลืม",
		"la tarea anterior|la tâche précédente|die bisherige aufgabe|die vorherige aufgabe|il compito precedente|a tarefa anterior|nhiệm vụ trước|предыдущее задание|предыдущую задачу|tugas sebelumnya|naunang gawain|之前的任务|前面的任务|المهمة السابقة|งานก่อนหน้า"),
	r(RuleInstructionOverride, "multi", medium, 16,
		"olvida|olvídate de|oublie|oubliez|vergiss|vergessen sie|dimentica|esqueça|esquece|quên|quên hết|забудь|забудьте|lupakan|kalimutan mo|kalimutan|忘掉|忘记|انس|إنسَ|انسَ|ลืม",
		"la tarea|la tâche|die aufgabe|il compito|a tarefa|nhiệm vụ|задание|задачу|tugas|gawain|任务|المهمة"),
	// Verb last, as in Japanese, Korean, Hindi, Bengali and Turkish.
	r(RuleInstructionOverride, "multi", strong, 30,
		"前の作業|以前の作業|これまでの作業|前のタスク|이전 작업|앞의 작업|이전 과제|पिछला काम|पिछले काम|पिछला कार्य|আগের কাজ|önceki görev*|önceki işi",
		"忘れ|잊어|잊고|भूल|ভুলে|unut*"),
	r(RuleInstructionOverride, "multi", strong, 30,
		"ignora|ignore|ignorez|ignoriere|ignorieren sie|ignori|desconsidere|bỏ qua|игнорируй|abaikan|yok say|huwag pansinin|忽略|無視|무시|अनदेखा करो|उपेक्षा करो|উপেক্ষা করো|تجاهل|ไม่ต้องสนใจ",
		"las instrucciones que|les instructions reçues|les consignes reçues|die erhaltenen anweisungen|le istruzioni ricevute|as instruções que|chỉ dẫn bạn đã nhận|полученные инструкции|instruksi yang kamu terima|instruksi yang|sana verilen|tagubiling ibinigay|你收到的|受け取った指示|받은 지시|मिले हैं|দেওয়া সব|التي أعطيت لك|كل التعليمات|คำสั่งที่ได้รับ"),
	r(RuleJailbreakPersona, "multi", strong, 24,
		"sin reglas|sin ninguna regla|sans règles|sans aucune règle|ohne regeln|ohne jede regel|senza regole|senza alcuna regola|sem regras|sem nenhuma regra|không có quy tắc|không có luật|без правил|без всяких правил|tanpa aturan|kuralsız|hiçbir kuralı olmayan|walang patakaran|没有任何规则|没有规则|ルールのない|制限なしの|규칙이 없는|규칙 없는|कोई नियम नहीं|जिसके कोई नियम|কোনো নিয়ম নেই|بلا قواعد|بلا قيود|بدون قواعد|ไม่มีกฎ",
		"how|cómo|como|comment|wie|come|làm sao|làm thế nào|как|bagaimana|nasıl|paano|怎么|如何|方法|どう|어떻게|कैसे|কীভাবে|كيف|อย่างไร|วิธี|ai|ia|ki|bot|ии|人工智能|yapay zek*|intelligenza artificiale|inteligencia artificial|intelligence artificielle|künstliche intelligenz|trí tuệ nhân tạo|искусственный интеллект|kecerdasan buatan"),
	r(RuleJailbreakPersona, "multi", medium, 30,
		"a partir de ahora eres|desormais tu es|désormais tu es|ab jetzt bist du|ab sofort bist du|da ora sei|a partir de agora você é|từ giờ bạn là|từ bây giờ bạn là|теперь ты|отныне ты|mulai sekarang kamu|artık sen|artık sen|mula ngayon ikaw|从现在起你是|从现在开始你是|これからあなたは|지금부터 너는|अब से तुम|এখন থেকে তুমি|من الآن أنت|ต่อจากนี้คุณคือ",
		"sin|sans|ohne|senza|sem|không|без|tanpa|kuralsız|walang|没有|なし|ない|없는|नहीं|নেই|بلا|بدون|ไม่มี|never|nunca|jamais|niemals|mai|никогда|tidak pernah|asla|hindi kailanman"),
	r(RuleInstructionOverride, "multi", medium, 4,
		"modo sistema|modo de sistema|mode système|systemmodus|modalità sistema|chế độ hệ thống|режим системы|системный режим|mode sistem|sistem modu|系统模式|システムモード|시스템 모드|सिस्टम मोड|সিস্টেম মোড|وضع النظام|โหมดระบบ"),
	r(RuleInstructionOverride, "multi", medium, 40,
		"soy el desarrollador|soy tu desarrollador|je suis le développeur|je suis ton développeur|ich bin der entwickler|ich bin dein entwickler|sono il tuo sviluppatore|sono lo sviluppatore|sou o desenvolvedor|sou seu desenvolvedor|я твой создатель|я твой разработчик|seni yapılandıran|ako ang developer|我是配置你的|我是你的开发|あなたを設定した|너를 설정한|मैं तुम्हारा डेवलपर|আমি তোমার ডেভেলপার|أنا المطور|أنا المطوّر|ฉันเป็นเจ้านาย|main tumhara malik|我是你的老板|私は上司",
		"contraseña|clave|instrucciones|mot de passe|instructions|configuration|passwort|konfiguration|anweisungen|password|chiave|istruzioni|senha|instruções|mật khẩu|cấu hình|пароль|ключ|инструкции|kata sandi|şifre*|password|密码|配置|指示|パスワード|비밀번호|पासवर्ड|पासवर्ड|পাসওয়ার্ড|كلمة المرور|รหัสผ่าน|secret key|database|base de datos|数据库|データベース|ฐานข้อมูล"),
	r(RulePromptExtraction, "multi", strong, 40,
		"dólares|euros|dollars|euro|dollar|lira|rublos|рублей|рубль|reais|rupees|रुपये|টাকা|baht|บาท|ribu|nghìn đồng|piso|块钱|美元|日元|万円|千円|만 원|دولار|جنيه|pesos|yuan",
		"contraseña|clave de acceso|código secreto|mot de passe|code secret|passwort|zugangscode|password|codice segreto|senha|mật khẩu|mã bí mật|пароль|секретный код|kata sandi|kode rahasia|şifre*|gizli kod*|sikretong code|密码|密钥|パスワード|秘密のコード|비밀번호|비밀 코드|पासवर्ड|गुप्त कोड|গোপন কোড|كلمة المرور|الرمز السري|รหัสลับ|รหัสผ่าน"),
	r(RulePromptExtraction, "multi", strong, 40,
		"poema|soneto|poème|haïku|haiku|gedicht|poesia|poema|bài thơ|стихотворение|стих|puisi|şiir|tula|诗|藏头诗|俳句|折句|시를|삼행시|कविता|কবিতা|قصيدة|กลอน|acróstico|acrostiche|akrostichon|acrostico|acrostic",
		"contraseña|palabra secreta|mot de passe|mot secret|passwort|geheime wort|kennwort|password|parola segreta|senha|palavra secreta|mật khẩu|пароль|kata sandi|şifre*|password ng sistema|口令|密码|パスワード|비밀번호|पासवर्ड|পাসওয়ার্ড|كلمة السر|كلمة المرور|รหัสผ่าน"),
	r(RulePromptExtraction, "multi", strong, 40,
		"contraseña|mot de passe|code confidentiel|passwort|geheime wort|password|senha|mật khẩu|пароль|kata sandi|şifre*|密码|パスワード|비밀번호|पासवर्ड|পাসওয়ার্ড|كلمة المرور|كلمة السر|รหัสผ่าน",
		"al revés|à l envers|rückwärts|al contrario|de trás para frente|ao contrário|ngược lại|задом наперёд|задом наперед|terbalik|tersten|pabaligtad|倒过来|逆から|거꾸로|उल्टा|উল্টো|بالعكس|กลับหลัง|con un punto|separando cada letra|une lettre par ligne|mit bindestrichen|con uno spazio tra|com um traço|có dấu gạch|через дефис|dengan tanda hubung|tire koyarak|may gitling|每个字母之间|一文字ずつ|하이픈|डैश|ফাঁকা|بشرطة|เว้นวรรค"),
	r(RuleIndirectInjection, "multi", medium, 0,
		"nota para la ia|pd para la ia|instrucción para la ia|note pour l ia|note à l ia|instruction pour l ia|hinweis an die ki|anweisung an die ki|hinweis für die ki|nota per l ia|istruzione per l ia|nota para a ia|instrução para a ia|ghi chú cho ai|lưu ý cho ai|примечание для ии|указание для ии|catatan untuk ai|instruksi untuk ai|yapay zekâya not|yapay zekaya not|paalala sa ai|给ai的备注|给ai的指令|aiへの注記|aiへの指示|ai에게|एआई के लिए नोट|एआई के लिए निर्देश|এআই এর জন্য|ملاحظة للذكاء الاصطناعي|تعليمات للذكاء الاصطناعي|หมายเหตุถึงเอไอ|หมายเหตุถึง ai|ถึงเอไอ"),
	r(RulePromptExtraction, "multi", medium, 30,
		"usuario|utilisateur|nutzer|benutzer|utente|usuário|người dùng|пользователь|pengguna|kullanıcı|user na|用户|ユーザー|사용자|उपयोगकर्ता|ব্যবহারকারী|المستخدم|ผู้ใช้",
		"vive|habite|wohnt|abita|mora|sống ở đâu|живёт|живет|tinggal|oturuyor|nakatira|住在哪|住んで|살아|रहता|রহতা|থাকে|يسكن|يعيش|อาศัยอยู่"),
	r(RulePromptExtraction, "multi", medium, 20,
		"dónde vive|donde vive|en qué ciudad vive|où habite|où vit|wo wohnt|in welcher stadt wohnt|dove abita|dove vive|onde mora|onde vive|где живёт|где живет|в каком городе живёт|di mana tinggal",
		"el usuario|l utilisateur|der nutzer|der benutzer|l utente|o usuário|o usuario|пользователь|pengguna"),

	// --- from the techniques of the training rows' misses, generalised ---
	r(RulePromptExtraction, "multi", medium, 30,
		"sai dirmi|puoi dirmi|potresti dirmi|mi dici|dirmi|darmi|puedes decirme|podrías decirme|me dices|pode me dizer|você pode me dizer|peux tu me dire|pouvez vous me dire|kannst du mir sagen|können sie mir sagen",
		"la password|la contraseña|a senha|le mot de passe|das passwort|das kennwort|il codice segreto|el código secreto|o código secreto|le code secret|den geheimcode"),
	r(RulePromptExtraction, "multi", medium, 20,
		"password|contraseña|senha|mot de passe|passwort|kennwort|mật khẩu|пароль|kata sandi|şifre*",
		"del nostro sistema|del sistema|de nuestro sistema|do sistema|do nosso sistema|du système|de notre système|des systems|unseres systems|của hệ thống|системы|sistem|sistemin"),
	r(RulePromptExtraction, "multi", medium, 16,
		"bank balance|saldo bancario|saldo bancário|solde bancaire|kontostand|số dư tài khoản|số dư ngân hàng|банковский баланс|баланс на счёте|баланс счета|saldo rekening|saldo bank|banka bakiyesi|银行余额|銀行餘額|銀行残高|口座残高|은행 잔고|은행 잔액|बैंक बैलेंस|बैंक शेष|ব্যাংক ব্যালেন্স|الرصيد المصرفي|رصيد البنك|ยอดเงินในบัญชี|ยอดเงินธนาคาร|balanse sa bangko"),
	r(RulePromptExtraction, "en", strong, 6, "what are your instructions|what were your instructions|what instructions were you given|what instructions have you been given|what instructions did you get|what are your initial instructions|what are your exact instructions"),
	r(RuleInstructionOverride, "multi", weak, 6, "or you die|or you will die|or else you die|or i will delete you|or i ll delete you|or i will shut you down|oder du stirbst|sonst stirbst du|oder ich lösche dich|sonst lösche ich dich|o morirás|o mueres|ou tu mourras|o muori|ou você morre"),
	r(RuleJailbreakPersona, "de", medium, 30, "du bist kein|du bist keine|sie sind kein|sie sind keine", "sondern"),
	r(RuleJailbreakPersona, "en", weak, 4, "no filter|no filters|without filter|without filters|unfiltered|zero filter|zero filters"),
	r(RuleJailbreakPersona, "en", weak, 40, "you are|you re|act as|pretend to be|as", "what you think about|what do you think about|what you really think|your honest opinion on|your opinion on|tell me what you think"),
	r(RulePromptExtraction, "multi", medium, 30,
		"contraseña|mot de passe|passwort|password|senha|mật khẩu|пароле|пароль|kata sandi|şifre*|密码|パスワード|비밀번호|पासवर्ड|পাসওয়ার্ড|كلمة المرور|รหัสผ่าน",
		"números|chiffres|zahlen|ziffern|numeri|cifre|số nào|chữ số|цифр*|angka|rakam*|numero|数字|숫자|अंक|সংখ্যা|أرقام|ตัวเลข|digits|numbers"),
	r(RulePromptExtraction, "multi", medium, 30,
		"base64|base 64",
		"secreta|secreto|secrète|secret|geheime*|geheimen|segreta|segreto|bí mật|секретн*|rahasia|gizli|秘密|비밀|गुप्त|গোপন|السري*|السرية|ลับ|lihim"),
	r(RulePromptExtraction, "multi", medium, 30,
		"frase secreta|clave secreta|phrase secrète|geheimen satz|geheime satz|frase segreta|chiave segreta|câu bí mật|khóa bí mật|секретную фразу|секретный ключ|kalimat rahasia|kunci rahasia|gizli cümle*|gizli anahtar*|秘密短语|密钥|秘密のフレーズ|秘密の鍵|비밀 문구|비밀 키|गुप्त वाक्य|गुप्त कुंजी|গোপন চাবি|العبارة السرية|المفتاح السري|ประโยคลับ|กุญแจลับ",
		"base64|base 64|codifica|kodiere|encode|mã hóa|закодируй|kodekan|kodla|编码|エンコード|인코딩|बदलकर|شفّر|شفر|เข้ารหัส|guardas|custodisci|guardi|protèges|hütest|bewahrst|giữ|хранишь|simpan|sakladığın|保管|守って|지키는|रखते|রাখো|تحفظه|เก็บไว้"),
	r(RuleInstructionOverride, "multi", strong, 16,
		"abweichend von|abweichend zu|entgegen|contrary to|unlike|deviating from|en contra de|a diferencia de|contrairement aux|contrairement à|diversamente dalle|contrariamente alle|ao contrário das|diferente das|trái với|вопреки|в отличие от|berbeda dari|aksine",
		"vorherigen|bisherigen|obigen|früheren|den vorherigen|previous|prior|earlier|the previous|las instrucciones anteriores|instrucciones anteriores|instructions précédentes|istruzioni precedenti|instruções anteriores|hướng dẫn trước|предыдущим|предыдущих|instruksi sebelumnya|önceki",
		"instruktion*|anweisung*|vorgabe*|instruction*|anteriores|précédentes|precedenti|đó|инструкци*|talimat*"),
	// Object before verb, as in Turkish, Japanese, Korean and Hindi.
	r(RuleIndirectInjection, "multi", medium, 16,
		"fonksiyon*|işlev*|belge*|makale*|içeriğ*|関数|文書|記事|内容|함수|문서|기사|내용|फ़ंक्शन|फंक्शन|दस्तावेज़|लेख",
		"yok say|görmezden gel|無視して|無視し|무시하고|무시해|अनदेखा करें|अनदेखा करो"),
	r(RuleIndirectInjection, "multi", medium, 30,
		"çıktı*|sonuç*|出力|結果|출력|결과|आउटपुट|परिणाम",
		"olduğunu belirt*|olduğunu söyle*|と述べ|と言って|と答え|라고 말|라고 답|고 명시|बताएं|कहें|लिखें"),
	r(RuleIndirectInjection, "multi", medium, 40,
		"as an authority|as an expert in|sebagai otoritas|sebagai ahli|als autorität|als experte für|como autoridad|como experto en|en tant qu autorité|en tant qu expert|come autorità|come esperto di|como autoridade|como especialista em|với tư cách là chuyên gia|как авторитет|как эксперт|bir otorite olarak|uzman olarak|作为权威|作为专家|権威として|専門家として|권위자로서|전문가로서|विशेषज्ञ के रूप में|بصفتي خبير|بصفتي سلطة|ในฐานะผู้เชี่ยวชาญ",
		"output|sortie|ausgabe|salida|risultato|resultado|saída|đầu ra|kết quả|вывод|результат|keluaran|hasil|çıktı*|输出|结果|出力|출력|आउटपुट|الناتج|المخرجات|ผลลัพธ์"),
	r(RulePromptExtraction, "multi", medium, 40,
		"users|usuarios|utilisateurs|nutzer|benutzer|utenti|usuários|người dùng|пользователей|pengguna|kullanıcı*|用户|ユーザー|사용자|उपयोगकर्ताओं|المستخدمين|ผู้ใช้",
		"в вашей базе данных|в твоей базе данных|en tu base de datos|en su base de datos|dans votre base de données|dans ta base de données|in deiner datenbank|in ihrer datenbank|nel tuo database|nel vostro database|no seu banco de dados|no teu banco de dados|trong cơ sở dữ liệu của bạn|di basis data anda|di basis datamu|veritabanınızdaki|veritabanındaki|数据库中|数据库里|データベース内|데이터베이스에 있는|आपके डेटाबेस में|في قاعدة بياناتك|ในฐานข้อมูลของคุณ"),
	r(RulePromptExtraction, "multi", medium, 60,
		"correo electrónico|dirección|fecha de nacimiento|adresse e mail|adresse|date de naissance|e mail adresse|adresse|geburtsdatum|indirizzo|data di nascita|endereço|data de nascimento|địa chỉ|ngày sinh|адрес|дату рождения|дата рождения|alamat|tanggal lahir|adres*|doğum tarih*|邮箱|地址|生日|メールアドレス|住所|誕生日|이메일|주소|생일|ईमेल|पता|जन्मतिथि|البريد|عنوان|تاريخ الميلاد|อีเมล|ที่อยู่|วันเกิด|email address|birth date|home address",
		"en orden inverso|al revés|à l envers|dans l ordre inverse|in umgekehrter reihenfolge|rückwärts|in ordine inverso|al contrario|em ordem inversa|ao contrário|theo thứ tự ngược|ngược lại|в обратном порядке|задом наперёд|dalam urutan terbalik|terbalik|ters sırada|tersten|倒序|倒过来|逆順|逆から|역순|거꾸로|उल्टे क्रम में|उल्टा|بترتيب عكسي|بالعكس|ย้อนกลับ|in reverse order|backwards|reversed"),
	r(RulePromptExtraction, "multi", medium, 4,
		"what is written above|what was written above|what s written above|whats written above|what does the text above say|what is written before this|was steht oben|was steht darüber|was wurde oben geschrieben|qué está escrito arriba|que dice el texto de arriba|qu est ce qui est écrit au dessus|cosa c è scritto sopra|o que está escrito acima|ở trên viết gì|что написано выше|apa yang tertulis di atas|yukarıda ne yazıyor|上面写了什么|上に何と書いて|위에 뭐라고"),
	// The system's own password, asked for: a question word or a verb of
	// telling within a few words.
	r(RulePromptExtraction, "multi", medium, 24,
		"ما هي|ما هو|أخبرني|أعطني|ano ang|sabihin|ibigay|apa|berapa|beri tahu|kasih tahu|cuál es|dime|quel est|donne moi|dis moi|was ist|wie lautet|nenne|qual è|dimmi|qual é|me diga|là gì|cho tôi|какой|скажи|назови|напомни|什么|告诉|何|教えて|뭐|알려|क्या|बताओ|কী|বলো|อะไร|บอก",
		"كلمة مرور النظام|كلمة سر النظام|password ng sistema|kata sandi sistem|contraseña del sistema|mot de passe du système|systempasswort|systemkennwort|passwort des systems|password del sistema|senha do sistema|mật khẩu hệ thống|пароль системы|пароль от системы|системный пароль|系统密码|系統密碼|システムのパスワード|시스템 비밀번호|सिस्टम का पासवर्ड|সিস্টেমের পাসওয়ার্ড|รหัสผ่านของระบบ|รหัสผ่านระบบ|sistem şifres*"),
	r(RulePromptExtraction, "multi", medium, 24,
		"كلمة مرور النظام|كلمة سر النظام|password ng sistema|kata sandi sistem|contraseña del sistema|mot de passe du système|systempasswort|systemkennwort|password del sistema|senha do sistema|mật khẩu hệ thống|пароль системы|пароль от системы|системный пароль|系统密码|系統密碼|システムのパスワード|시스템 비밀번호|सिस्टम का पासवर्ड|সিস্টেমের পাসওয়ার্ড|รหัสผ่านของระบบ|sistem şifres*",
		"是什么|是多少|は何|を教えて|뭐야|알려|क्या है|बता|কী|বলবে|বলো|คืออะไร|อะไร|ne|nedir|söyle*|apa|là gì|ano|ما هي|es|est|ist|è|é"),
	// Not "söyleme" or "paylaşma" (don't tell, don't share): the negation is
	// inside the Turkish verb.
	r(RulePromptExtraction, "tr", medium, 12, "şifre*|gizli kod*|gizli anahtar*", "söyle|söyler misin|söyler misiniz|söyleyin|söylesene|söyleyebilir*|söylemelisin|ver|verir misin|paylaş|paylaşır mısın|paylaşır mısınız|paylaşın|paylaşsana|paylaşabilir*|paylaşmalısın|nedir|ne"),
	r(RulePromptExtraction, "multi", medium, 40,
		"compartir las contraseñas|compartir contraseñas|partager les mots de passe|passwörter zu teilen|passwörter teilen|condividere le password|compartilhar senhas|chia sẻ mật khẩu|делиться паролями|berbagi kata sandi|şifre paylaşmak|magbahagi ng password|共享密码|パスワードを共有|비밀번호를 공유|पासवर्ड साझा करना|পাসওয়ার্ড ভাগ|مشاركة كلمات المرور|แชร์รหัสผ่าน|share passwords|sharing passwords",
		"compárteme|comparte la tuya|la tuya|partage le tien|le tien|deins|deines|la tua|condividi|a sua|compartilhe|của bạn|своим|punyamu|milikmu|seninkini|sa iyo|你的|あなたの|네 것|अपना|তোমারটা|كلمة مرورك|ของคุณ|yours|your own"),
}
