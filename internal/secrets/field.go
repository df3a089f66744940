package secrets

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
)

// jsonField returns the string field name of the JSON object data. Errors
// never quote data, and not the decoder's message either, which can hold a
// character of it.
func jsonField(data []byte, name string) (gateway.Secret, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return gateway.Secret{}, fmt.Errorf("the secret is not a JSON object, so it has no field %q", name)
	}
	return objectField(obj, name)
}

// objectField returns the string field name of obj.
func objectField(obj map[string]json.RawMessage, name string) (gateway.Secret, error) {
	raw, ok := obj[name]
	if !ok {
		return gateway.Secret{}, fmt.Errorf("the secret has no field %q", name)
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return gateway.Secret{}, fmt.Errorf("field %q of the secret is not a string", name)
	}
	return gateway.NewSecret(strings.TrimSpace(v)), nil
}
