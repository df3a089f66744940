package audit

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// The fixture corpus is generated at test time: fake keys with the right
// shapes, markers and checksums (from each secretscan rule's Example),
// placed the ways real leaks happen. Nothing key-shaped is committed.

// planted is one key the corpus generator wrote.
type planted struct {
	path, rule, check string
}

// placement writes key (for rule r) into a file of dir and returns its path.
type placement struct {
	name string
	// multiline reports whether the placement can hold a key that spans
	// lines (PEM blocks, service-account JSON).
	multiline bool
	// url reports whether the placement suits a key that is itself a URL.
	url   bool
	check string // the check expected; default hardcoded-secret
	write func(dir string, r secretscan.Rule, key string, n int) string
}

func writeFile(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func placements(t testing.TB) []placement {
	w := func(dir, rel, content string) string { writeFile(t, dir, rel, content); return rel }
	lower := strings.ToLower
	return []placement{
		{name: "python-assignment", multiline: true, url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("app/settings_%d.py", n), "import os\n\nDEBUG = False\n"+r.EnvVar+" = \"\"\""+key+"\"\"\"\n")
		}},
		{name: "dotenv", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("env%d/.env", n), "# local settings\nPORT=8080\n"+r.EnvVar+"="+key+"\nLOG_LEVEL=debug\n")
		}},
		{name: "yaml", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("config/app%d.yaml", n), "server:\n  port: 8080\nproviders:\n  - name: main\n    "+lower(r.EnvVar)+": \""+key+"\"\n    timeout: 30s\n")
		}},
		{name: "json", multiline: true, url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("config/app%d.json", n), "{\n  \"name\": \"demo\",\n  \""+r.EnvVar+"\": "+quoteJSON(key)+",\n  \"retries\": 3\n}\n")
		}},
		{name: "url-query", write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("src/fetch%d.py", n), "import requests\n\n"+r.EnvVar+"_URL = \"https://api.example.com/v1/models?key="+key+"&alt=json\"\nrequests.get("+r.EnvVar+"_URL)\n")
		}},
		{name: "bundle", url: true, check: CheckBrowserKey, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("dist/assets/index-%d.js", n), `(function(){"use strict";var e={VITE_`+r.EnvVar+`:"`+key+`",MODE:"production"};function t(n){return fetch("/api",{headers:{a:e.VITE_`+r.EnvVar+`}})}t();})();`+"\n")
		}},
		{name: "notebook", multiline: true, url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			src := []string{"import os\n", "os.environ[\"" + r.EnvVar + "\"] = " + quoteJSON(key) + "\n"}
			nb := map[string]any{"cells": []any{map[string]any{"cell_type": "code", "source": src, "outputs": []any{}}}, "nbformat": 4}
			b, _ := json.MarshalIndent(nb, "", " ")
			return w(dir, fmt.Sprintf("notebooks/explore%d.ipynb", n), string(b)+"\n")
		}},
		{name: "log", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("logs/app%d.log", n), "2026-11-01T10:00:00Z INFO starting\n2026-11-01T10:00:01Z DEBUG env "+r.EnvVar+"="+key+" loaded\n")
		}},
		{name: "compose", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("deploy%d/docker-compose.yml", n), "services:\n  app:\n    image: demo:latest\n    environment:\n      - "+r.EnvVar+"="+key+"\n")
		}},
		{name: "go-source", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("internal/client%d/client.go", n), "package client\n\n// "+r.EnvVar+" is used by the client.\nconst "+r.EnvVar+" = "+fmt.Sprintf("%q", key)+"\n")
		}},
		{name: "shell", url: true, write: func(dir string, r secretscan.Rule, key string, n int) string {
			return w(dir, fmt.Sprintf("scripts/deploy%d.sh", n), "#!/bin/sh\nexport "+r.EnvVar+"='"+key+"'\n./run\n")
		}},
	}
}

// writeCorpus plants keys of every rule in every placement under dir.
func writeCorpus(t testing.TB, dir string, seed uint64) []planted {
	rnd := rand.New(rand.NewPCG(seed, 42))
	var out []planted
	n := 0
	for _, r := range secretscan.DefaultRules() {
		multi := r.ID == "private-key" || r.ID == "gcp-service-account"
		isURL := r.ID == "url-password" || r.ID == "slack-webhook-url"
		for _, p := range placements(t) {
			if multi && !p.multiline || isURL && !p.url {
				continue
			}
			n++
			check := p.check
			if check == "" {
				check = CheckHardcodedSecret
			}
			out = append(out, planted{path: p.write(dir, r, r.Example(rnd), n), rule: r.ID, check: check})
		}
	}
	return out
}

// writeNegatives writes files that must produce no finding at all.
func writeNegatives(t testing.TB, dir string) {
	rnd := rand.New(rand.NewPCG(11, 12))
	var nonEx strings.Builder
	for _, r := range secretscan.DefaultRules() {
		for _, n := range r.NonExamples {
			nonEx.WriteString(n + "\n")
		}
	}
	writeFile(t, dir, "docs/nonexamples.txt", nonEx.String())
	writeFile(t, dir, ".env.example", "OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=sk-ant-api03-abc123...\nGEMINI_API_KEY=your-api-key-here\nMISTRAL_API_KEY=<your mistral key>\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7"+"EXAMPLE\n")
	writeFile(t, dir, "app/env_reads.py", `import os
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
anthropic_key = os.getenv("ANTHROPIC_API_KEY")
mistral_api_key = os.environ.get("MISTRAL_API_KEY", "")
print("OPENAI_API_KEY is not set; export it first")
logger.info("loaded key id %s", key_id)
SYSTEM_PROMPT = "You are a helpful assistant. Answer briefly."
messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user_input}]
resp = requests.get(url, headers={"x-goog-api-key": api_key}, params={"page": page})
print(f"model={model} tokens={usage.total_tokens}")
`)
	writeFile(t, dir, "web/src/client.ts", `const key = process.env.OPENAI_API_KEY;
const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
console.log("request took", ms, "ms");
const url = base + "?page=" + page;
const systemPrompt = "You are a support bot.";
`)
	writeFile(t, dir, "cmd/server/main.go", `package main

import "os"

func main() {
	key := os.Getenv("ANTHROPIC_API_KEY")
	log.Printf("key configured: %v", key != "")
	client := anthropic.NewClient(option.WithAPIKey(key))
	const systemPrompt = "You are terse."
	_ = client
}
`)
	var hashes strings.Builder
	for range 200 {
		fmt.Fprintf(&hashes, "%s  file%d.tar.gz\n", randHex(rnd, 64), rnd.IntN(1000))
		fmt.Fprintf(&hashes, "sha1:%s md5:%s\n", randHex(rnd, 40), randHex(rnd, 32))
		fmt.Fprintf(&hashes, "id: %s-%s-4%s-a%s-%s\n", randHex(rnd, 8), randHex(rnd, 4), randHex(rnd, 3), randHex(rnd, 3), randHex(rnd, 12))
	}
	writeFile(t, dir, "checksums.txt", hashes.String())
	var b64 strings.Builder
	for range 400 {
		buf := make([]byte, 57)
		for i := range buf {
			buf[i] = byte(rnd.IntN(256))
		}
		b64.WriteString(encodeStd(buf) + "\n")
	}
	writeFile(t, dir, "assets/blob.b64", b64.String())
	var js strings.Builder
	for range 3000 {
		fmt.Fprintf(&js, "function %s(a,b){return a.%s+b[%d]||\"#%s\"}", randIdent(rnd), randIdent(rnd), rnd.IntN(99), randHex(rnd, 6))
	}
	writeFile(t, dir, "vendor.min.js", js.String()+"\n")
	writeFile(t, dir, "package-lock.json", `{"packages":{"node_modules/openai":{"version":"4.0.0","integrity":"sha512-`+encodeStd([]byte(randHex(rnd, 64)))+`"}}}`+"\n")
}

func randHex(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[r.IntN(16)]
	}
	return string(b)
}

func randIdent(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 1+r.IntN(3))
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}
