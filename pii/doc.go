// Package pii finds personal data in text and redacts, masks or
// pseudonymises it. It imports nothing of aigate's and no net/http, so any Go
// service can embed it.
//
// # Detecting
//
// A [Detector] is built once with [New] (or used as a zero value) and is safe
// for concurrent use. [Detector.Find] returns [Entity] values: a [Type], byte
// offsets and a confidence, never the matched text.
//
// Structured types are found by format rules and checked by checksum or
// structure, in one pass over the text per family: a strings.IndexByte pass
// over '@' for EMAIL, one over ':' for IPv6, and one byte-table pass that stops
// only where a digit, '+' or '(' starts a number, for everything else. No
// regular expressions are used, so there is no backtracking to exploit.
//
//   - EMAIL: local part, '@', a domain with a letter TLD.
//   - PHONE: digit runs joined by single spaces, hyphens, dots or
//     parentheses, 7-15 digits, validated as github.com/nyaruka/phonenumbers
//     validates them, from its metadata (a "+" prefix, or [Options.Region]
//     for national formats). Numbers the
//     library cannot place still count when a cue such as "phone:", "call me
//     at" or "my number is" comes before them, or "-Fax"/"(mobile)" after.
//     In JSON text the key decides for a member's whole value: bare digits
//     under a key that names a phone number ([PhoneKey]: "phone",
//     "mobileNumber", "telefono", "电话" …) are one when valid as an
//     international number or a national one ({"phone": 14155550100},
//     and the elements of {"phones": [...]});
//     under any other key ("created_at") only cue words in the key itself
//     ("contact") count, for a number valid as the region's.
//     [Detector.FindField] applies the same rule to a value whose key the
//     caller knows.
//   - CREDIT_CARD: 12-19 digits, optionally grouped, with a known IIN range
//     for that length (Visa, Mastercard, Amex, Diners, Discover, JCB,
//     UnionPay, Mir, Maestro, RuPay, Troy) and the Luhn check.
//   - IBAN: a country code, registered length per country, mod-97 check;
//     compact or in groups of four.
//   - US_SSN: ddd-dd-dddd (or bare nine digits after "SSN"), area not 000,
//     666 or 900-999, group not 00, serial not 0000.
//   - IP_ADDRESS: dotted-quad IPv4 and IPv6, validated with net/netip
//     (loopback and unspecified IPv6 are skipped; version strings with more or
//     fewer than four parts are not addresses).
//   - DATE_TIME: full calendar dates (2024-03-15 with an optional time,
//     15/03/2024, "15 March 2024", "March 15, 2024"); DATE_OF_BIRTH is the same
//     with a birth cue ("born", "DOB", "date of birth", …) in the 40 bytes
//     before it. Bare years and weekdays are not reported.
//   - National identifiers: UK_NINO (prefix rules and A-D suffix; NINOs have
//     no check digit), SG_NRIC (NRIC and FIN check letter), TH_ID (mod-11),
//     IN_AADHAAR (Verhoeff), BR_CPF (two mod-11 digits), VN_CCCD (province
//     code; no check digit exists, so a cue such as "CCCD" is required). Bare
//     digit strings for the weaker checks need a cue; the usual written forms
//     (1-2345-67890-12-1, 1234 5678 9012, 123.456.789-09) do not.
//
// Overlapping candidates are resolved by priority: checksummed types first,
// then structural ones, then cue-based PHONE, then the heuristics.
//
// PERSON, STREET_ADDRESS and LOCATION are best effort; see names.go for the
// cues and patterns used, and internal/eval for how well they do.
//
// STREET_ADDRESS is found by word shape, in the same word pass: a house
// number, a name and a street suffix ("69 Farnell Street", "2450 Crown
// St."; a suffix alone after a number, as in "3 St. Patrick's", is not a
// street); a name ending in a European street word and a number
// ("Hauptstraße 5", "Parijsstraat 8") or a lower-case street word and a
// number ("Rákóczi út 13."); a street prefix with the name and
// number ("Via Roma 10", "Rue de Rivoli 12", "29 rue de Tanger"); a name and
// a number with no street word ("Harjukuja 54") only after an address cue
// ("lives at", "address:") or after a building number that starts a line or
// follows "at", "to", "in", "on", ",", ":" or "?" (not a year); post
// office boxes ("PO Box 12"); and US military addresses ("PSC 4355, Box
// 4187", "Unit 8505 Box 9220" or "USS Name", then "APO AE 09001"). Units
// after a street ("Apt. 4", "Suite 200", on the same or the next line) are
// reported as spans of their own, unless a tail that closes the address
// follows them: a postcode, a region code ("Springfield, IL 62704") or a
// country, on the same line or the next ones. Then the whole address, with
// any building number before it, is one span. On the labelled development
// set (Presidio synthetic sentences and WNUT-17) this finds STREET_ADDRESS
// with exact-span precision 0.81, recall 0.44, F1 0.57 (overlap F1 0.66),
// and reports one in 0.1 % of texts that have none.
//
// # Acting
//
// A [Policy] maps types to an [Action]: [Redact] ("[EMAIL]"), [Mask] (stars;
// card, account, phone and ID numbers keep their last four characters, names,
// places and e-mail addresses do not), [Pseudonymize] ("<EMAIL_1>", the same
// value getting the same placeholder within a request), [Block] or [Allow].
// A [Redactor] is made per request; [Redactor.Apply] returns the new text and
// a [Report] with counts per type (never values); [Redactor.ApplyEdits]
// also returns each replacement with its offsets, for a caller that writes
// them into another form of the text, and [Redactor.ApplyField] acts on a
// field's value as FindField finds. Its [Vault] maps
// placeholders back, and a [Restorer] does so on a stream whose chunks may
// split a placeholder anywhere.
//
// A [FieldFilter] cuts structured JSON context down to named fields before
// it is sent anywhere.
//
// # Cost
//
// The structured types scan ordinary text at about 200 MB per CPU-second.
// A phone candidate costs under a microsecond: the library's number
// patterns are compiled into DFAs over the digits, a region's on its first
// use (a few milliseconds once), instead of running through regexp, which
// took 15-80 µs per candidate; the answers are the library's (see
// phone.go). The phonenumbers library still loads its metadata when the
// program starts. The word pass behind PERSON, STREET_ADDRESS and LOCATION is
// several times slower; leave those types out of [Options.Types] where the
// budget is tight. Benchmarks in bench_test.go report both wall-clock MB/s
// and MB per CPU-second.
package pii
