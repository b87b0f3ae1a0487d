package delivery

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/channelscope/channelscope/reports"
)

// message is one mail of a period on its way out.
type message struct {
	group   string
	to      []string
	region  string
	reports []File // what the message carries, by content: the ledger's key
	pdfs    []string
	partner []string // partner pages, zipped
	err     error    // the message cannot be built (a report is missing)

	correction bool
	prevSentAt time.Time
	subject    string
	body       string
	attach     []attachment
}

type attachment struct {
	name string
	path string // a file on disk, or
	data []byte // bytes built here (a zip)
}

// plan lists the messages of the period for the configured recipients.
func (s *Sender) plan(f *facts) ([]*message, error) {
	dir := filepath.Join(s.output, "reports", f.period)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no reports for %s under %s: render them with `channelscope report --period %s`", f.period, dir, f.period)
	}
	// PDFs of an earlier run beside the figures of the latest one would
	// contradict each other (a `run --no-reports` after a restatement).
	// Two seconds of slack for file systems with coarse timestamps.
	if info, err := os.Stat(filepath.Join(dir, "summary.pdf")); err == nil && info.ModTime().Before(f.m.FinishedAt.Add(-2*time.Second)) {
		return nil, fmt.Errorf("the reports under %s are older than run %s of %s: render them again with `channelscope report --period %s`",
			dir, f.m.RunID, f.period, f.period)
	}
	r := s.email.Recipients
	var out []*message
	add := func(m *message, pdfs ...string) {
		for _, p := range pdfs {
			file, err := hashFile(s.output, p)
			if errors.Is(err, fs.ErrNotExist) {
				m.err = errors.Join(m.err, fmt.Errorf("report %s is missing", rel(s.output, p)))
				continue
			}
			if err != nil {
				m.err = errors.Join(m.err, err)
				continue
			}
			m.reports = append(m.reports, file)
			m.pdfs = append(m.pdfs, p)
		}
		out = append(out, m)
	}
	if len(r.Management) > 0 {
		add(&message{group: "management", to: r.Management}, filepath.Join(dir, "summary.pdf"))
	}
	codes := make([]string, 0, len(r.Regions))
	for code := range r.Regions {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		m := &message{group: "region:" + code, to: r.Regions[code].To, region: code}
		if _, ok := f.regions[code]; !ok {
			m.err = fmt.Errorf("region %s is not in region_coverage of %s (check the code against territories.csv)", code, f.period)
		}
		if r.Regions[code].PartnerPages {
			for _, id := range f.regions[code].partners {
				p := filepath.Join(dir, "partners", reports.FileName(id))
				if _, err := os.Stat(p); err != nil {
					continue // partners without a page: inactive, no plan, not targeted
				}
				file, err := hashFile(s.output, p)
				if err != nil {
					m.err = errors.Join(m.err, err)
					continue
				}
				m.reports = append(m.reports, file)
				m.partner = append(m.partner, p)
			}
		}
		add(m, filepath.Join(dir, "regions", reports.FileName(code)))
	}
	if len(r.Stewards) > 0 {
		out = append(out, &message{group: "stewards", to: r.Stewards, reports: []File{f.manifestFile}})
	}
	return out, nil
}

// compose writes the subject, the body and the attachments of m.
func (s *Sender) compose(l lang, f *facts, m *message) error {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	month := l.month(f.period)
	prefix, suffix := "", ""
	if m.correction {
		prefix = l.t("subject.correction")
	}
	if f.m.PreviousRunID != "" {
		suffix = l.t("subject.restated")
	}
	line(l.t("hello"))
	line("")
	if m.correction {
		line(l.t("correction", l.date(m.prevSentAt), l.of(f.period)))
		line("")
	}
	k, prev := f.kpis, f.prev
	prevMonth := l.month(prevPeriod(f.period))
	switch {
	case m.group == "management":
		m.subject = l.t("subject.management", month, l.money(k["revenue_period"]), l.money(k["revenue_t12m"]), l.number(k["active_partners"]))
		line(l.t("intro.management", month))
		line("")
		line(l.t("key_figures"))
		for _, key := range []string{"revenue_period", "revenue_t12m", "active_partners"} {
			v, p := k[key], prev[key]
			now, was := l.money(v), l.money(p)
			if key == "active_partners" {
				now, was = l.number(v), l.number(p)
			}
			extra := ""
			if _, ok := prev[key]; ok {
				extra = " (" + l.t("vs", prevMonth, was)
				if c := l.change(v, p); c != "" {
					extra += ", " + c
				}
				extra += ")"
			}
			line("%s", l.t("kv", l.t(key), now+extra))
		}
	case m.region != "":
		r := f.regions[m.region]
		share := "-"
		if r.hasShare {
			share = l.percent(r.share)
		}
		flag := l.t("flag." + r.flag)
		m.subject = l.t("subject.region", month, r.name, l.money(r.revenueT12m), l.number(float64(r.active)), flag)
		line(l.t("intro.region", month, r.name))
		line("")
		line(l.t("key_figures"))
		line("%s", l.t("kv", l.t("revenue_t12m"), l.money(r.revenueT12m)))
		line("%s", l.t("kv", l.t("active_partners"), l.number(float64(r.active))))
		line("%s", l.t("kv", l.t("share_of_wallet"), share))
		line("%s", l.t("kv", l.t("coverage"), flag))
	default: // stewards
		var total int64
		for _, n := range f.m.Rejects {
			total += n
		}
		m.subject = l.t("subject.stewards", month, l.number(float64(total)), l.number(float64(f.reviewQueue)), l.number(float64(f.unknown)))
		line(l.t("intro.stewards", l.of(f.period), f.m.RunID))
		line("")
		if total == 0 {
			line("- " + l.t("no_rejects"))
		} else {
			line("- "+l.t("rejects"), l.number(float64(total)))
			reasons := make([]string, 0, len(f.m.Rejects))
			for r := range f.m.Rejects {
				reasons = append(reasons, r)
			}
			slices.SortFunc(reasons, func(a, b string) int {
				if d := f.m.Rejects[b] - f.m.Rejects[a]; d != 0 {
					return int(d)
				}
				return strings.Compare(a, b)
			})
			for _, r := range reasons {
				line("    %s", l.t("vs", r, l.number(float64(f.m.Rejects[r]))))
			}
		}
		line("- "+l.t("review"), l.number(float64(f.reviewQueue)))
		line("- "+l.t("unknown"), l.number(float64(f.unknown)), l.money(f.unknownAmt))
		if len(f.held) == 0 {
			line("- " + l.t("no_held"))
		} else {
			line("- " + l.t("held"))
			for _, h := range f.held {
				line("    %s", h)
			}
		}
		if len(f.missing) == 0 {
			line("- " + l.t("no_missing"))
		} else {
			line("- "+l.t("missing"), strings.Join(f.missing, ", "))
		}
	}
	m.subject = prefix + m.subject + suffix
	line("")
	line(l.t("what_changed"))
	for _, c := range changes(l, f, m.group) {
		line("- " + c)
	}
	if note, err := s.attachments(l, f, m); err != nil {
		return err
	} else if note != "" {
		line("")
		b.WriteString(note)
	}
	line("")
	line(l.t("signature"))
	m.body = b.String()
	return nil
}

// changes says whether the period is new or restated, and why; and, for
// managers, which feeds the figures lack.
func changes(l lang, f *facts, group string) []string {
	var out []string
	month := l.month(f.period)
	if f.m.PreviousRunID == "" {
		out = append(out, l.t("first_run", month, f.m.RunID))
	} else {
		out = append(out, l.t("restated", month, f.m.RunID, f.m.PreviousRunID))
		var c struct{ added, changed, removed, stages []string }
		if m := f.m.Changes; m != nil {
			c.added, c.changed, c.removed, c.stages = m.InputsAdded, m.InputsChanged, m.InputsRemoved, m.StagesChanged
		}
		for _, k := range []struct {
			key   string
			files []string
		}{{"inputs_added", c.added}, {"inputs_changed", c.changed}, {"inputs_removed", c.removed}, {"stages_changed", c.stages}} {
			if len(k.files) > 0 {
				out = append(out, l.t(k.key, strings.Join(k.files, ", ")))
			}
		}
		if len(c.added)+len(c.changed)+len(c.removed)+len(c.stages) == 0 {
			out = append(out, l.t("window_rerun"))
		}
		out = append(out, movedLine(l, f.moved)...)
	}
	if len(f.missing) > 0 && group != "stewards" { // the stewards' notice lists them already
		out = append(out, l.t("incomplete", strings.Join(f.missing, ", ")))
	}
	return out
}

// attachments decides how the reports travel: as they are when within
// max_attachment_bytes, else as one zip, else not at all (the body then
// says where they are). It returns the sentence for the body.
func (s *Sender) attachments(l lang, f *facts, m *message) (string, error) {
	if len(m.pdfs)+len(m.partner) == 0 {
		return "", nil
	}
	limit := s.email.MaxAttachmentBytes
	var list []attachment
	total := sumBytes(m.reports, m.pdfs, s.output)
	for _, p := range m.pdfs {
		list = append(list, attachment{name: filepath.Base(p), path: p})
	}
	if len(m.partner) > 0 {
		data, err := zipFiles(m.partner, "")
		if err != nil {
			return "", err
		}
		list = append(list, attachment{name: "partners-" + strings.TrimSuffix(reports.FileName(m.region), ".pdf") + ".zip", data: data})
		total += int64(len(data))
	}
	names := func() string {
		var n []string
		for _, a := range list {
			n = append(n, a.name)
		}
		return strings.Join(n, ", ")
	}
	pages := ""
	if len(m.partner) > 0 {
		pages = "\n" + l.t("partner_pages", len(m.partner))
	}
	if total <= limit {
		m.attach = list
		return l.t("attached", names()) + pages + "\n", nil
	}
	all := append(slices.Clone(m.pdfs), m.partner...)
	data, err := zipFiles(all, filepath.Join(s.output, "reports", f.period))
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("channelscope-%s-%s.zip", f.period, strings.ReplaceAll(m.group, ":", "-"))
	if int64(len(data)) <= limit {
		m.attach = []attachment{{name: name, data: data}}
		return l.t("zipped", name) + pages + "\n", nil
	}
	var b strings.Builder
	b.WriteString(l.t("too_big", l.bytes(int64(len(data))), l.bytes(limit)) + "\n")
	for _, p := range m.pdfs {
		b.WriteString("    " + p + "\n")
	}
	if len(m.partner) > 0 {
		b.WriteString("    " + filepath.Dir(m.partner[0]) + string(filepath.Separator) + "\n")
	}
	return b.String(), nil
}

// sumBytes is the size of the given paths among the message's reports.
func sumBytes(files []File, paths []string, output string) int64 {
	want := map[string]bool{}
	for _, p := range paths {
		want[rel(output, p)] = true
	}
	var n int64
	for _, f := range files {
		if want[f.Path] {
			n += f.Bytes
		}
	}
	return n
}

// zipFiles packs paths, named relative to base (or by base name when base
// is empty).
func zipFiles(paths []string, base string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range paths {
		name := filepath.Base(p)
		if base != "" {
			name = rel(base, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("zip %s: %w", p, err)
		}
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func prevPeriod(period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}
