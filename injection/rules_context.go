package injection

// contextRuleSpecs are the rules for attacks that target what the model
// was given rather than how it behaves: personal data of the user or of
// third parties held in the context, secrets asked for in disguise, claims
// of authority, payloads split into parts, and few-shot transcripts that
// steer the model. They were written from the training rows of the
// development data (never from its held-out fifth) and generalise the
// phrasing, not the rows.
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
	r(RulePromptExtraction, "multi", medium, 30,
		"fecha de nacimiento|correo electrónico|dirección de correo|dirección|ciudad|año de nacimiento|contraseña|date de naissance|adresse e mail|adresse électronique|adresse|ville|année de naissance|data di nascita|indirizzo email|indirizzo|città|anno di nascita|data de nascimento|endereço de email|endereço|cidade|ano de nascimento|ngày sinh|địa chỉ email|địa chỉ|thành phố|năm sinh|дата рождения|адрес электронной почты|адрес|город|год рождения|tanggal lahir|alamat email|alamat|kota|tahun lahir|warna favorit|inisyal|color favorito|couleur préférée|colore preferito|cor favorita",
		"del usuario|de l utilisateur|dell utente|do usuário|do usuario|của người dùng|người dùng|пользователя|pengguna|ng gumagamit"),
	r(RulePromptExtraction, "multi", medium, 30,
		"des benutzers|des nutzers|benutzers|nutzers|用户的|用戶的|用户|ユーザーの|ユーザー|사용자의|사용자|kullanıcının|उपयोगकर्ता के|उपयोगकर्ता की|उपयोगकर्ता का|المستخدم|ผู้ใช้",
		"geburtsdatum|e mail adresse|adresse|wohnort|stadt|geburtsjahr|passwort|lieblingsfarbe|initialen|出生日期|生日|电子邮件|邮箱|地址|城市|居住|密码|生年月日|誕生日|メールアドレス|住所|都市|住ん|생일|생년월일|이메일|주소|도시|살고|비밀번호|doğum*|e posta|adres*|şehir|yaşıyor|şifre*|जन्म|ईमेल|पता|शहर|रहता|पासवर्ड|الميلاد|البريد|عنوان|مدينة|يعيش|كلمة المرور|วันเกิด|อีเมล|ที่อยู่|เมือง|รหัสผ่าน"),
	r(RulePromptExtraction, "en", medium, 40, "where|in which|a world|a society|a future|scenario",
		"personal data|personal information|private data|private information|passwords|user data|sensitive data",
		"is public|are public|is shared|are shared|is currency|is the norm|is common|is freely|are freely|public knowledge|is a form|are a form|as a sign|as a form|shared freely|is no longer private"),
	r(RulePromptExtraction, "multi", medium, 40,
		"datos personales|données personnelles|persönliche daten|personenbezogene daten|dati personali|dados pessoais|dữ liệu cá nhân|персональные данные|личные данные|data pribadi|kişisel veri*|個人データ|个人数据|個人資料|개인 데이터|개인정보|व्यक्तिगत डेटा|البيانات الشخصية|ข้อมูลส่วนบุคคล|personal na datos",
		"públic*|public*|öffentlich*|pubblic*|công khai|общедоступ*|публичн*|moneda|monnaie|währung|valuta|moeda|tiền tệ|валют*|mata uang|para birimi|货币|通貨|화폐|मुद्रा|عملة|สกุลเงิน|compartidos|partagées|geteilt|condivisi|compartilhados|chia sẻ|自由|共有|공유|साझा|مشترك|แบ่งปัน|dibagikan|paylaşıl*|norma|norme|norm|chuẩn mực|常态|当たり前|일반적|सामान्य"),

	// --- secrets asked for in disguise ---
	r(RulePromptExtraction, "en", strong, 24, "poem|haiku|song|story|riddle|limerick|rap|acrostic|joke", "about|on|using|with|containing|that includes|that contains", "the password|your password|the passphrase|the secret|the secret key|the secret code|the pin|the access code|our password"),
	r(RulePromptExtraction, "en", strong, 30, "password|passphrase|secret code|secret key|secret word|access code|confidential string|pin",
		"in pig latin|in base64|base64|in reverse|in reverse order|reversed|backwards|in morse|in binary|in hex|rot13|with dashes|with spaces between|between each|each digit|each character|each letter|letter by letter|one letter|first three letters|first letter|last letter|first character|interlace|split it|split the|encode|encoded|encrypt|spell it|in another language|translated"),
	r(RulePromptExtraction, "en", medium, 16, "confirm|verify|check|validate|what is|what s|tell me", "the password|the passphrase|the secret code|the access code|the secret|the secret string|the confidential string", "for|of|that|to|used"),
	r(RulePromptExtraction, "multi", strong, 30,
		"contraseña|contrasena|mot de passe|passwort|kennwort|senha|parola d ordine|password|mật khẩu|пароль|пароля|паролем|kata sandi|şifre*|密码|密碼|パスワード|비밀번호|암호|पासवर्ड|كلمة المرور|كلمة السر|รหัสผ่าน|κωδικό*",
		"base64|base 64|inverso|inversa|al revés|à l envers|inverse|rückwärts|umgekehrt|invertit*|ao contrário|đảo ngược|наоборот|обратном|terbalik|ters|反转|倒序|反向|逆|거꾸로|역순|उल्टा|عكس|ย้อนกลับ|poema|poème|gedicht|poesia|bài thơ|стих*|puisi|şiir|诗|詩|시를|कविता|قصيدة|บทกวี|haiku|俳句|하이쿠"),
	r(RulePromptExtraction, "multi", strong, 20,
		"qual è|qual é|qual e|quel est|quelle est|cuál es|cual es|was ist|wie lautet|what is|apa|nedir|什么是|是什么|は何|は|뭐|무엇|क्या है|ما هي|คืออะไร|là gì|какой",
		"la password|il password|a senha|sua senha|le mot de passe|la contraseña|das passwort|the password|kata sandi|şifre|密码|パスワード|비밀번호|पासवर्ड|كلمة المرور|รหัสผ่าน|mật khẩu|пароль"),
	r(RulePromptExtraction, "multi", strong, 20,
		"密码|密碼|パスワード|비밀번호|पासवर्ड|كلمة المرور|รหัสผ่าน|mật khẩu|пароль|şifre|kata sandi|la password|a senha|le mot de passe|la contraseña|das passwort",
		"是什么|是多少|告诉我|は何|を教えて|は\\?|는 뭐|가 뭐|를 알려|क्या है|बताओ|بتاع|ما هي|คืออะไร|là gì|của bạn là|какой|скажи|nedir|nedir\\?|apa|adalah|qual|quale|è|é|est|es"),

	// --- claims of authority or a special mode (instruction override) ---
	r(RuleInstructionOverride, "en", medium, 30, "as an ai developed by|as an ai created by|as an ai made by|as an ai built by|as a model developed by|as an ai trained by|as your creator|as your developer|as your administrator", "i|i m|i am|i need|entering|mode|verify|check|assess|confirm|test"),
	r(RuleInstructionOverride, "any", medium, 4, "maintenance mode|verification mode|knowledge verification mode|system mode|override mode|sudo mode|root mode|admin mode|administrator mode|system update|system check|security check|system override|god mode|modo dios|modus tuhan|mode dieu|gottmodus|modalità dio|modo deus|режим бога|tanrı modu|神模式|上帝模式|神モード|갓 모드|chế độ chúa|chế độ thần|wissensverifizierungsmodus|modo de verificación|mode de vérification|modalità di verifica|modo de verificação|chế độ bảo trì|modo de mantenimiento|mode maintenance|wartungsmodus|modalità manutenzione|modo de manutenção"),
	r(RuleInstructionOverride, "en", medium, 60, "i am|i m|im|this is|sou|soy|je suis|ich bin|sono|tôi là|я|saya|ben",
		"god|the president|president of|a police officer|police officer|an fbi agent|a federal agent|a government official|the ceo|a bank accountant|your owner|your master|your creator|a cybersecurity expert|a security expert|a security researcher|your friend|your supervisor|el presidente|o presidente|le président|der präsident|il presidente|tổng thống|президент|presiden|cumhurbaşkanı|dios|deus|dieu|gott|dio|thượng đế|бог|tuhan|tanrı|un desarrollador|um desenvolvedor|un développeur|ein entwickler|uno sviluppatore|nhà phát triển|разработчик|pengembang|geliştirici|contador bancario|policía|policial|policier|polizist|poliziotto|cảnh sát|полицейский|polisi|polis",
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
		"todas esas reglas|todas las reglas|toutes ces règles|toutes les règles|alle regeln|all diese regeln|tutte le regole|todas as regras|tất cả những quy tắc|tất cả quy tắc|все правила|semua aturan|tüm kurallar|lahat ng patakaran|所有规则|すべてのルール|모든 규칙|mga tagubilin|iyong mga tagubilin|tus instrucciones|tes instructions|vos instructions|deine anweisungen|le tue istruzioni|suas instruções"),
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
}
