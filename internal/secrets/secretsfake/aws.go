// Package secretsfake holds fake AWS Secrets Manager and HashiCorp Vault
// servers speaking the real HTTP APIs (SigV4-checked JSON 1.1 for AWS, KV v2
// and AppRole for Vault), started on 127.0.0.1 by tests. It is for tests
// only: the secrets package's own and the gateway's end-to-end ones.
package secretsfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// SecretsManager speaks the AWS Secrets Manager JSON 1.1 protocol for
// GetSecretValue and checks every request's SigV4 signature against the
// credentials the test generated.
type SecretsManager struct {
	t testing.TB
	// AccessKey and SecretKey are the credentials the fake accepts; the
	// environment holds them too.
	AccessKey string
	SecretKey string

	mu       sync.Mutex        // protects the fields below
	secrets  map[string]string // SecretId → SecretString
	deny     bool              // refuse every read with AccessDeniedException
	regions  []string          // credential scope region of each request
	calls    int
	sigErrs  []error // signatures that did not verify
	badSigOK bool    // the test expects bad signatures: do not fail it
}

var authRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([a-z0-9-]+)/secretsmanager/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

// MustRandomHex returns n random bytes in hex, for key material generated
// at test run time.
func MustRandomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// StartSecretsManager starts the fake on 127.0.0.1 and points the
// standard credential chain at generated credentials through the
// environment, away from any real AWS configuration.
func StartSecretsManager(t testing.TB) (*SecretsManager, *httptest.Server) {
	t.Helper()
	f := &SecretsManager{
		t:         t,
		AccessKey: "TESTKEY" + strings.ToUpper(MustRandomHex(t, 6)),
		SecretKey: MustRandomHex(t, 20),
		secrets:   map[string]string{},
	}
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           f.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       f.SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
	} {
		t.Setenv(k, v)
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

// Set stores value as the SecretString of the secret name.
func (f *SecretsManager) Set(name, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets[name] = value
}

// SetDeny makes every read fail with AccessDeniedException (true) or not.
func (f *SecretsManager) SetDeny(deny bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deny = deny
}

// ExpectBadSignatures stops a signature that does not verify from failing
// the test (it is still refused and recorded).
func (f *SecretsManager) ExpectBadSignatures() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.badSigOK = true
}

// Regions returns the credential scope region of each read, in order.
func (f *SecretsManager) Regions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.regions)
}

// Calls returns how many correctly signed reads arrived.
func (f *SecretsManager) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// SignatureErrors returns why each refused signature did not verify.
func (f *SecretsManager) SignatureErrors() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sigErrs)
}

func (f *SecretsManager) awsError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func (f *SecretsManager) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		f.t.Errorf("fake secrets manager: %s %s, want POST /", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("X-Amz-Target"); got != "secretsmanager.GetSecretValue" {
		f.t.Errorf("X-Amz-Target = %q, want secretsmanager.GetSecretValue", got)
		f.awsError(w, 400, "UnknownOperationException", "unknown operation")
		return
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
		f.t.Errorf("Content-Type = %q, want application/x-amz-json-1.1", got)
	}
	region, err := f.checkSignature(r, body)
	if err != nil {
		f.mu.Lock()
		f.sigErrs = append(f.sigErrs, err)
		if !f.badSigOK {
			f.t.Errorf("SigV4: %v", err)
		}
		f.mu.Unlock()
		f.awsError(w, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.")
		return
	}
	var in struct{ SecretId string }
	if err := json.Unmarshal(body, &in); err != nil {
		f.awsError(w, 400, "SerializationException", "bad body")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.regions = append(f.regions, region)
	if f.deny {
		f.awsError(w, 400, "AccessDeniedException", "User is not authorized to perform: secretsmanager:GetSecretValue")
		return
	}
	v, ok := f.secrets[in.SecretId]
	if !ok {
		f.awsError(w, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ARN":           "arn:aws:secretsmanager:" + region + ":000000000000:secret:" + in.SecretId + "-AbCdEf",
		"Name":          in.SecretId,
		"SecretString":  v,
		"VersionId":     "v-" + fmt.Sprint(f.calls),
		"VersionStages": []string{"AWSCURRENT"},
		"CreatedDate":   1.7e9,
	})
}

// checkSignature recomputes the AWS Signature Version 4 of r over the
// headers it says it signed, and returns the credential scope's region.
func (f *SecretsManager) checkSignature(r *http.Request, body []byte) (string, error) {
	m := authRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "", fmt.Errorf("Authorization header has not the SigV4 shape")
	}
	akid, date, region, signed, sig := m[1], m[2], m[3], m[4], m[5]
	if akid != f.AccessKey {
		return "", fmt.Errorf("signed with access key %q, want the one from the environment", akid)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, date) {
		return "", fmt.Errorf("X-Amz-Date %q does not match the scope date %s", amzDate, date)
	}
	names := strings.Split(signed, ";")
	for _, want := range []string{"host", "x-amz-date", "x-amz-target"} {
		if !slices.Contains(names, want) {
			return "", fmt.Errorf("SignedHeaders %q lack %s", signed, want)
		}
	}
	if !sort.StringsAreSorted(names) {
		return "", fmt.Errorf("SignedHeaders %q are not sorted", signed)
	}
	var canon bytes.Buffer
	for _, n := range names {
		var v string
		switch n {
		case "host":
			v = r.Host
		case "content-length":
			v = fmt.Sprint(r.ContentLength)
		default:
			vs := r.Header.Values(n)
			for i := range vs {
				vs[i] = strings.Join(strings.Fields(vs[i]), " ")
			}
			v = strings.Join(vs, ",")
		}
		fmt.Fprintf(&canon, "%s:%s\n", n, v)
	}
	payload := sha256.Sum256(body)
	creq := strings.Join([]string{r.Method, "/", r.URL.RawQuery, canon.String(), signed, hex.EncodeToString(payload[:])}, "\n")
	scope := date + "/" + region + "/secretsmanager/aws4_request"
	creqHash := sha256.Sum256([]byte(creq))
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creqHash[:])
	key := []byte("AWS4" + f.SecretKey)
	for _, part := range []string{date, region, "secretsmanager", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, sts))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "", fmt.Errorf("signature does not verify")
	}
	return region, nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
