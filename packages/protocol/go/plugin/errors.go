package plugin

import "errors"

// APIVersion is what every <capability>_api_version export returns.
const APIVersion = 1

var (
	// ErrNotFound says "no answer": the host goes on with its next source.
	ErrNotFound = errors.New("plugin:not_found")
	// ErrNotImplemented says the plugin does not support the method.
	ErrNotImplemented = errors.New("plugin:not_implemented")
	// ErrHostUnavailable is returned by host-service clients outside WebAssembly,
	// for example in a plugin's native unit tests that did not inject a fake.
	ErrHostUnavailable = errors.New("plugin: host services exist only inside a WebAssembly plugin")
)

// HostError is an error string a host function returned instead of a response.
type HostError struct {
	Function string
	Message  string
}

func (e *HostError) Error() string {
	return "host function " + e.Function + ": " + e.Message
}

// errorText is what crosses the boundary for err: a wrapped standard error
// travels as the bare standard string, so the host recognises it.
func errorText(err error) string {
	for _, standard := range []error{ErrNotFound, ErrNotImplemented} {
		if errors.Is(err, standard) {
			return standard.Error()
		}
	}
	return err.Error()
}
