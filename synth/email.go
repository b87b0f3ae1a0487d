package synth

import (
	"fmt"
	"io"
)

// writeEmailConfig appends the email section of the generated
// configuration: example recipients for management, every region of the
// generated territories and the data stewards, sent to a local Mailpit
// (127.0.0.1:1025, no TLS) so a generated workspace can be sent as it is.
func writeEmailConfig(w io.Writer) {
	fmt.Fprint(w, `# channelscope send --period P mails the reports to these example recipients;
# a local Mailpit (mailpit --smtp 127.0.0.1:1025) receives them as they are.
email:
  enabled: false
  smtp:
    host: 127.0.0.1
    port: 1025
    tls: none
  from: "channelscope <reports@example.com>"
  recipients:
    management: [direction@example.com]
    regions:
`)
	for _, r := range regions {
		fmt.Fprintf(w, "      %q: {to: [region-%s@example.com], partner_pages: true} # %s\n", r[0], r[0], r[1])
	}
	fmt.Fprint(w, "    stewards: [data-steward@example.com]\n")
}
