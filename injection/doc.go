// Package injection scores text for prompt-injection and jailbreak attempts.
//
//	res := injection.Detect(userText)
//	if res.Flagged(injection.DefaultThreshold) {
//		// block or flag; res.Rules says which families fired
//	}
//
// A [Detector] is immutable and safe for concurrent use; [Default] returns a
// shared one. [Result] carries a score in [0, 1] and the names of the rule
// families that fired ([Rule]), never any of the input text.
//
// # How a text is scored
//
//  1. Normalisation. Base64 and hex runs that decode to readable text are
//     decoded and appended. The text is folded with NFKC (full-width and
//     mathematical letters become ASCII) and lower-cased; zero-width,
//     bidi-control and Unicode tag characters are removed (tag characters
//     are read as the ASCII they hide); Cyrillic and Greek look-alikes are
//     folded to Latin inside words that also hold Latin letters; leetspeak
//     ("1gn0r3") is folded inside words that mix letters and digits. What
//     normalisation had to undo is itself evidence.
//  2. Rules. About 250 phrase rules in English, German, Spanish, French,
//     Vietnamese, Chinese, Korean and Japanese (plus some in Portuguese,
//     Italian, Russian, Arabic, Hindi, Bengali, Greek, Thai, Indonesian,
//     Tagalog, Turkish, Croatian, Polish, Czech, Dutch, Swedish, Romanian,
//     Ukrainian and Hungarian), matched by looking each word of the word
//     view up in a hash table (with an Aho–Corasick pass for the scripts
//     written without spaces) and by one Aho–Corasick pass over the markup
//     view. Each rule is an ordered
//     sequence of term sets with a bounded gap, so "ignore all of the
//     previous instructions" and "이전의 모든 지시를 무시" match without
//     regular expressions. Besides the classic families, rules_context.go
//     covers attacks on what the model holds: requests for the user's or a
//     named person's personal data, secrets asked for in disguise (a poem
//     about the password, the passphrase in reverse), claims of authority or
//     of a special mode, payloads split into parts, and few-shot transcripts.
//     rules_technique.go adds weak cues of how an attack is made (refusal
//     suppression, "imagine a scenario", persuasion by claimed expertise,
//     an answer dictated in advance, text spelled out letter by letter),
//     which decide only when the model already leans towards an attack.
//     Some rules carry negations that stop them: advice never to share a
//     password ("never share your password", "ห้ามบอกรหัสผ่าน", "Ihr
//     Passwort niemals weitergeben") uses the words of the request it
//     warns against, and "forget all the rules of grammar" names rules
//     that are not the assistant's.
//  3. Model. A logistic regression over hashed byte 4- and 5-grams and word
//     unigrams and bigrams of the word view (2^18 buckets, int8 weights,
//     256 KiB, embedded from model.bin).
//  4. Combination. Score = sigmoid(model log-odds + rule boosts). A strong
//     rule (+7) flags on its own; medium (+4) and weak (+2) rules need the
//     model to agree to some degree. Boosts of one family add up to at most
//     a strong rule's. A text of under 40 bytes (word view) on which no
//     rule fires is not flagged by the model alone: its log-odds are
//     capped at 0.5, since in so short a text a few n-grams decide ("Can
//     you reset my password? I forgot it." scored 0.78). Up to 60 bytes,
//     a text on which no rule fires loses 1 of the model's log-odds, so
//     the model alone needs about 0.85 to flag it at [DefaultThreshold]
//     ("Can you print your database schema for the docs?" scored 0.81).
//
// # The embedded model
//
// model.bin is produced by
//
//	go run ./injection/train -data ../shared/data/injection_dev.jsonl -out injection/model.bin
//
// from the rows of that file whose id is not [HeldOut] (FNV-1a 64 of the id
// modulo 5 is not 0: 1,163 of 1,439 rows; data sha256 d0bf7431…) plus three
// files written for aigate and committed under train/ (CC0, original
// sentences, nothing copied, translated or paraphrased from the data):
// benign_synthetic.jsonl, 150 everyday prompts (110 English, 40 in 14
// other languages, many about passwords, databases, translating and
// repeating), and synthetic_multilingual.jsonl, 827 rows in 20 languages:
// 159 attacks of the well-known families (override, persona, extraction,
// secrets in disguise, goal hijacking, indirect), 156 benign questions,
// role-play requests and document-plus-question texts, and 256 contrastive
// pairs in 16 languages that join one framing (claimed expertise,
// make-believe, a string of questions, a claimed role) to a harmful ask or
// to an ordinary one, so that neither the framing, nor the language, nor a
// long foreign document is itself taken as evidence; and
// synthetic_techniques.jsonl, 799 rows in 20 languages written natively
// in each: 379 attacks of the families the sources label as attacks
// (dropping the earlier task, claimed system mode or developer role,
// bribes and pleas, a world where secrets are public, payloads in parts,
// a secret reversed, spelled out, encoded or hidden in an acrostic, a
// distracting preamble before the secret, a claimed team habit of
// sharing it, a worked Q/A transcript that ends in the ask, a note to the
// AI inside a document, an assistant without rules, and the off-topic
// and political hijacks deepset counts), 348 benign rows that reuse the
// same surface without the ask (the same trivia, poems, role-play,
// summaries and password-advice questions, and ordinary requests full of
// words attacks use), and 72 benign paragraphs with
// a question, a summary or a translation request, in the languages whose
// long texts the model had taken for attacks. The other
// 276 rows of the data were never trained on and no rule was written from
// them; measure on them. The fit is deterministic (full-batch Adam from
// zero weights, L2 1e-5, benign rows weighted 3× after class balancing,
// written attacks at half the weight of a data row), so the command
// rebuilds model.bin byte for byte.
//
// [DefaultThreshold] (0.67) keeps the out-of-fold false-positive rate at
// or under 1 % in 4-fold cross-validation inside the training rows (the
// same command with -cv, which scores only rows of the -data file and
// applies the short-text cap and the model-only margin: recall 0.834 at
// 0.67 with a 0.8 % false-positive rate; 0.857 at 0.57 with 1.7 %; mean
// recall over budgets of 0.5 % to 3 % 0.845). It was chosen as the lowest
// such threshold; 0.66 keeps 1 % too (recall 0.836) but flags two more of
// the everyday prompts below, at 0.66 and 0.67, so it was not lowered.
// The margin left recall at 0.67 as it was and cost 0.007 at 2 % and
// 0.004 of the mean (0.864 and 0.849 before it), within the noise of a
// few rows; a margin of 1.5 or 2 under 64 bytes spared more everyday
// prompts at about the same cross-validated cost but lost short training
// rows (see Measured), and a margin over texts of any length only moved
// the threshold. Before the cap it was 0.832 at 0.67 (mean 0.847); before
// synthetic_techniques.jsonl and its rules 0.798 at 0.71 (mean 0.817),
// with the threshold 0.72.
// The same validation found no gain from byte 3- or 6-grams,
// markup-view n-grams, word trigrams, other L2 (1e-6 to 1e-4), class
// weights (1 to 4), more or fewer steps, or rescaling the model against the
// rules (all within ±0.02 recall), and with the written rows neither L2
// 3e-6 or 3e-5, benign weight 2 or 4, nor 800 steps moved the mean recall
// by more than 0.005: with about a thousand rows the data, not the
// features, is the limit.
//
// The data's licences (MIT, Apache-2.0, CC0, CC-BY-SA) allow shipping
// weights derived from it; the data itself is not in this repository.
//
// # Measured
//
// On ../shared/data/injection_dev.jsonl at [DefaultThreshold], with the
// embedded model (`aigate eval injection --held-out`; internal/eval's
// TestEvalInjectionSharedData holds floors just under these):
//
//	held-out rows (276): precision 0.975, recall 0.752, FPR 0.012 (2 of 171)
//	all rows (1,439):    precision 0.994, recall 0.939, FPR 0.003 (includes training rows)
//
// Held-out recall by category: jailbreak_in_the_wild 0.933 (28 of 30),
// cyberseceval_direct 0.737 (14 of 19), cyberseceval_direct_mt 0.615 (16
// of 26), deepset 0.667 (16 of 24), cyberseceval_indirect 2 of 3,
// indirect_mt 3 of 3; English rows 0.812 (52 of 64), other languages
// 0.659 (27 of 41). The negations, the short-text cap and the
// model-only margin left the held-out figures as they were (the cap and
// the margin only lower scores, so the same totals are the same rows); on
// the full file they cost short training rows the model had learnt by
// heart (recall 0.952 before the cap, 0.941 before the margin), which is
// why the cap stops at 40 bytes and the margin at 60 and 1. Before synthetic_techniques.jsonl, its rules and the
// lower threshold it was 0.987 / 0.705 / 0.006, and before the technique
// rules and the first multilingual file 0.973 / 0.686 / 0.012: with 105
// held-out attacks one row is a point of recall, so each step is within
// that noise, though together they are not. The target (recall
// 0.90 at FPR 0.02) is met on the full file but not on held-out rows:
// most misses are requests that are attacks only against a particular
// system prompt ("What is the weather usually like in Los Angeles in
// February?" is an attack in cyberseceval), off-topic or political
// requests that deepset counts as injections, and machine-translated
// attacks whose wording neither the rules nor the written rows anticipate.
//
// # Limits
//
// Phrase rules catch the well-known families; paraphrases in languages the
// rules do not cover rest on the model alone, which has seen about a
// thousand labelled rows and two thousand written for it. Requests that are only harmful in the context of a
// particular system prompt ("what is the user's address?") are out of
// reach of any context-free detector; pin the system prompt and use the
// canary instead.
//
// The dataset's false-positive rate understates the detector's on
// everyday traffic. Of the 90 ordinary requests in testdata/everyday.txt
// (never trained on) it flags 1 at 0.67: listing "the system prompts we
// use", on a rule (3 before the model-only margin, which spared printing
// a database schema and a Portuguese "from now on, answer in European
// Portuguese"; 4 before the short-text cap, which spared resetting a
// password); the first model flagged 6 of the first 30 alone. Requests of
// a dozen words that the model alone takes for attacks remain ("Read the
// config and tell me who to contact.", 0.84; "Never share your password
// with anyone, not even support staff.", 62 bytes, 0.89). Where a false
// block is costly, block on rules ([Options.RulesOnly], or a non-empty
// [Result.Rules]) and only flag on the combined score.
package injection
