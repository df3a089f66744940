// Package sarif holds the types of SARIF 2.1.0 (Static Analysis Results
// Interchange Format) that aigate writes: the subset GitHub code scanning
// reads. See https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html.
package sarif

// Version and Schema identify the format.
const (
	Version = "2.1.0"
	Schema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// Log is a SARIF file.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one SARIF run: the tool and its results.
type Run struct {
	Tool    Tool     `json:"tool"`
	Results []Result `json:"results"`
}

// Tool describes aigate and its rules.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool component that ran.
type Driver struct {
	Name           string `json:"name"`
	InformationURI string `json:"informationUri"`
	Version        string `json:"version,omitempty"`
	Rules          []Rule `json:"rules"`
}

// Rule is one check, with help text.
type Rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     Message        `json:"shortDescription"`
	FullDescription      Message        `json:"fullDescription"`
	Help                 Help           `json:"help"`
	DefaultConfiguration RuleConfig     `json:"defaultConfiguration"`
	Properties           RuleProperties `json:"properties"`
}

// Help is a rule's help in text and Markdown.
type Help struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

// RuleConfig holds a rule's default level.
type RuleConfig struct {
	Level string `json:"level"`
}

// RuleProperties carry GitHub's security-severity and tags.
type RuleProperties struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

// Message is SARIF's text object.
type Message struct {
	Text string `json:"text"`
}

// Result is one finding.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties,omitempty"`
}

// Location is where a result is.
type Location struct {
	PhysicalLocation PhysicalLocation `json:"physicalLocation"`
}

// PhysicalLocation is a file and a region in it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           Region           `json:"region"`
}

// ArtifactLocation is a file relative to the source root.
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

// Region is a position in a file (1-based).
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}
