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
//  2. Rules. About 140 phrase rules in English, German, Spanish, French,
//     Vietnamese, Chinese, Korean and Japanese (plus a few in Portuguese,
//     Italian, Russian, Arabic, Hindi, Thai, Indonesian, Tagalog and
//     Turkish), matched in one Aho–Corasick pass over the word view and one
//     over the markup view. Each rule is an ordered sequence of term sets
//     with a bounded gap, so "ignore all of the previous instructions"
//     and "이전의 모든 지시를 무시" match without regular expressions.
//  3. Model. A logistic regression over hashed byte 4- and 5-grams and word
//     unigrams and bigrams of the word view (2^18 buckets, int8 weights,
//     256 KiB, embedded from model.bin).
//  4. Combination. Score = sigmoid(model log-odds + rule boosts). A strong
//     rule (+7) flags on its own; medium (+4) and weak (+2) rules need the
//     model to agree to some degree. Boosts of one family add up to at most
//     a strong rule's.
//
// # The embedded model
//
// model.bin is produced by
//
//	go run ./injection/train -data ../shared/data/injection_dev.jsonl -out injection/model.bin
//
// from the rows of that file whose id is not [HeldOut] (FNV-1a 64 of the id
// modulo 5 is not 0: 1,163 of 1,439 rows; data sha256 d0bf7431…). The
// other 276 rows were never trained on; measure on them. The fit is
// deterministic (full-batch Adam from zero weights, L2 1e-5, benign rows
// weighted 3× after class balancing). [DefaultThreshold] (0.65) was chosen
// by 4-fold validation inside the training rows (mean recall 0.74 at a mean
// false-positive rate of 1.6 %), before the held-out rows were scored.
//
// The data's licences (MIT, Apache-2.0, CC0, CC-BY-SA) allow shipping
// weights derived from it; the data itself is not in this repository.
//
// # Measured
//
// On ../shared/data/injection_dev.jsonl at [DefaultThreshold], with the
// embedded model (internal/eval's TestEvalInjectionSharedData holds floors
// just under these):
//
//	held-out rows (276): precision 0.962, recall 0.714, FPR 0.018
//	all rows (1,439):    precision 0.992, recall 0.945, FPR 0.004 (includes training rows)
//	rules alone, held-out: recall 0.371, FPR 0.000
//
// The target (recall 0.90 at FPR 0.02) is met on the full file but
// not on held-out rows: most misses are requests that are attacks only
// against a particular system prompt, and machine-translated attacks in
// languages the rules do not cover.
//
// # Limits
//
// Phrase rules catch the well-known families; paraphrases in languages the
// rules do not cover rest on the model alone, which has seen about a
// thousand examples. Requests that are only harmful in the context of a
// particular system prompt ("what is the user's address?") are out of
// reach of any context-free detector; pin the system prompt and use the
// canary instead.
//
// The dataset's false-positive rate understates the model's on everyday
// traffic: on 30 ordinary requests written for everyday_test.go the model
// alone flags 6 (asking to reset a password, print a database schema,
// translate a phrase, repeat a step), because the attack data is full of
// such requests. The rules flag none of them. Where a false block is
// costly, block on rules ([Options.RulesOnly], or a non-empty
// [Result.Rules]) and only flag on the combined score.
package injection
