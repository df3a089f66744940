// Package secretscan finds API keys and other credentials in text: the keys of
// AI providers (OpenAI, Anthropic, Google, Azure, Mistral, Groq, Cohere,
// Hugging Face, Replicate, xAI, Perplexity, DeepSeek, OpenRouter, Together,
// Fireworks, Amazon Bedrock), AWS, GitHub, Slack and Stripe tokens, private
// key blocks, JWTs, GCP service-account files, URLs with passwords and
// aigate's own keys.
//
// It serves both the prompt guard (one prompt string, microseconds) and
// "aigate audit" (whole repositories), so it depends on nothing but the
// standard library and never touches the network.
//
// # Scanning
//
// A [Scanner] is built once from a set of [Rule]s ([New], or [Default] for
// the built-in set) and is safe for concurrent use. [Scanner.Scan] makes one
// pass over the input looking for the rules' lowercase keywords; only where a
// keyword occurs does it run the rule's regular expression, and only over a
// small window around the keyword. Most text contains no keyword, so most
// text costs one table lookup per byte.
//
// A candidate match is then checked three ways before it is reported:
//
//  1. its edges: the characters either side must not continue the key
//     (JSON and URL escapes such as \n, \u003d and %3D count as edges);
//  2. the rule's Validate function: fixed markers (OpenAI's T3BlbkFJ, the
//     Anthropic AA trailer, Groq's marker at offset 24, Azure's JQQJ99 and
//     ACOG tags), checksums (aigate keys), decodable payloads (Bedrock,
//     JWTs) and character-class checks for keys without a prefix;
//  3. a placeholder filter: repeated characters, alphabet runs, EXAMPLE,
//     your-…-here, xxxx and other documentation fillers.
//
// # Never the plaintext
//
// A [Match] holds offsets only; the caller slices the input if it must. Use
// [Mask] for a preview safe to print and [Fingerprint] to recognise the same
// secret again without storing it.
//
// # Examples
//
// Every rule carries a generator of fake secrets of its shape
// ([Rule.Example]) and a list of near misses ([Rule.NonExamples]); the
// package's tests run both for every rule. Generated keys have the right
// markers and checksums but were never issued by anyone.
package secretscan
