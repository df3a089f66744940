package audit

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Archives are opened and their text files checked like files of the
// tree, named "archive.zip!/inner/path". Nested archives are not opened.

// maxArchiveText bounds how much text one archive may expand to.
const maxArchiveText = 64 << 20

func isArchive(p string) bool {
	switch ext(p) {
	case ".zip", ".jar", ".war", ".whl", ".nupkg", ".tgz":
		return true
	}
	return strings.HasSuffix(strings.ToLower(p), ".tar.gz") || ext(p) == ".tar"
}

// archiveFragments yields the text files inside the archive at full. A
// damaged archive is one SourceError.
func archiveFragments(full, rel string, lim Limits, tmpl Fragment, yield func(Fragment, error) bool) bool {
	var total int64
	emitEntry := func(name string, size int64, open func() (io.Reader, error)) (bool, error) {
		if size > lim.maxSize() || total+size > maxArchiveText {
			return true, nil
		}
		r, err := open()
		if err != nil {
			return true, err
		}
		buf := getBuf(int(size))
		data := (*buf)[:size]
		if _, err := io.ReadFull(r, data); err != nil {
			putBuf(buf)
			return true, err
		}
		total += size
		f := tmpl
		f.Path = rel + "!/" + name
		if u, ok := decodeUTF16(data); ok {
			putBuf(buf)
			f.Data = u
		} else if isBinary(data) {
			putBuf(buf)
			return true, nil
		} else {
			f.Data, f.buf = data, buf
		}
		return yield(f, nil), nil
	}
	fail := func(err error) bool {
		return yield(Fragment{}, &SourceError{Path: rel, Err: fmt.Errorf("reading archive: %w", unwrapPath(err))})
	}
	if ext(rel) == ".tar" || ext(rel) == ".tgz" || strings.HasSuffix(strings.ToLower(rel), ".tar.gz") {
		fh, err := os.Open(full)
		if err != nil {
			return fail(err)
		}
		defer fh.Close()
		var r io.Reader = fh
		if ext(rel) != ".tar" {
			gz, err := gzip.NewReader(fh)
			if err != nil {
				return fail(err)
			}
			r = gz
		}
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return true
			}
			if err != nil {
				return fail(err)
			}
			if h.Typeflag != tar.TypeReg {
				continue
			}
			ok, err := emitEntry(h.Name, h.Size, func() (io.Reader, error) { return tr, nil })
			if err != nil {
				return fail(err)
			}
			if !ok {
				return false
			}
		}
	}
	zr, err := zip.OpenReader(full)
	if err != nil {
		return fail(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		var rc io.ReadCloser
		ok, err := emitEntry(zf.Name, int64(zf.UncompressedSize64), func() (io.Reader, error) {
			var err error
			rc, err = zf.Open()
			return rc, err
		})
		if rc != nil {
			rc.Close()
		}
		if err != nil {
			if !fail(err) {
				return false
			}
			continue
		}
		if !ok {
			return false
		}
	}
	return true
}

// decodeUTF16 converts text with a UTF-16 byte-order mark to UTF-8 (such
// files look binary: every other byte is NUL).
func decodeUTF16(b []byte) ([]byte, bool) {
	if len(b) < 2 || len(b)%2 != 0 {
		return nil, false
	}
	var be bool
	switch {
	case b[0] == 0xFF && b[1] == 0xFE:
	case b[0] == 0xFE && b[1] == 0xFF:
		be = true
	default:
		return nil, false
	}
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i+1 < len(b); i += 2 {
		if be {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	out := make([]byte, 0, len(u))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out, true
}
