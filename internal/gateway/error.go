package gateway

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an [Error]. It decides the HTTP status and the error type
// written in the caller's provider format.
type Code string

// The codes a refusal can carry.
const (
	CodeInvalid          Code = "invalid_request"   // malformed or out-of-policy input: 400
	CodeUnauthenticated  Code = "unauthenticated"   // missing, unknown, revoked or expired key: 401
	CodeForbidden        Code = "forbidden"         // authenticated but not allowed (model, route): 403
	CodeNotFound         Code = "not_found"         // no such route: 404
	CodeTooLarge         Code = "request_too_large" // body over the size limit: 413
	CodeUnsupportedMedia Code = "unsupported_media" // wrong content type: 415
	CodeRateLimited      Code = "rate_limited"      // a rate limit is exhausted: 429
	CodeBudgetExceeded   Code = "budget_exceeded"   // a budget cannot cover the request: 402
	CodeUpstream         Code = "upstream_error"    // the provider failed or could not be reached: 502
	CodeUnavailable      Code = "unavailable"       // a dependency of aigate is down: 503
	CodeTimeout          Code = "timeout"           // the provider did not answer in time: 504
	CodeInternal         Code = "internal"          // a bug or an unexpected failure: 500
)

// statuses is the one table that maps codes to HTTP statuses.
var statuses = map[Code]int{
	CodeInvalid:          http.StatusBadRequest,
	CodeUnauthenticated:  http.StatusUnauthorized,
	CodeForbidden:        http.StatusForbidden,
	CodeNotFound:         http.StatusNotFound,
	CodeTooLarge:         http.StatusRequestEntityTooLarge,
	CodeUnsupportedMedia: http.StatusUnsupportedMediaType,
	CodeRateLimited:      http.StatusTooManyRequests,
	CodeBudgetExceeded:   http.StatusPaymentRequired,
	CodeUpstream:         http.StatusBadGateway,
	CodeUnavailable:      http.StatusServiceUnavailable,
	CodeTimeout:          http.StatusGatewayTimeout,
	CodeInternal:         http.StatusInternalServerError,
}

// Status returns the HTTP status for c; unknown codes map to 500.
func (c Code) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is a refusal. Message is shown to the client and must never hold a
// secret or any text of the request; Err is for the server log only.
type Error struct {
	Code    Code
	Message string
	Err     error       // logged, never sent
	Header  http.Header // extra response headers, such as Retry-After
}

// Errorf returns an *Error with a formatted client message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error returns the code and the client message (not Err, which may hold
// details meant for the log only).
func (e *Error) Error() string {
	if e.Err != nil {
		return string(e.Code) + ": " + e.Message + ": " + e.Err.Error()
	}
	return string(e.Code) + ": " + e.Message
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// WithErr returns a copy of e that records err for the log.
func (e *Error) WithErr(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// internalMessage is what a client sees for any error that is not an *Error.
const internalMessage = "aigate hit an internal error; the request was not sent to the provider. Retry later, and tell the gateway operator if it persists."

// AsError returns err as an *Error. An error that is not an *Error becomes
// CodeInternal with a generic message, keeping err for the log.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: internalMessage, Err: err}
}

// ErrorCode returns the code of err: CodeInternal unless err wraps an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
