package main

import (
	"context"
	"errors"
)

// Placeholders replaced as each command lands.
func runServe(context.Context, []string, stdio) error { return errors.New("serve: not built yet") }
func runDemo(context.Context, []string, stdio) error  { return errors.New("demo: not built yet") }
func runKeys(context.Context, []string, stdio) error  { return errors.New("keys: not built yet") }
