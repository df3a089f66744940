// Package guard holds the gateway's guards: small [gateway.Guard]
// implementations that check a request before it leaves, each denying it
// with a *gateway.Error that tells the caller what to change.
package guard
