#!/usr/bin/env python3
"""check.py IN.html OUT.html [--strict]: checks a page translated by
`parley translate -f html` against its source, with html.parser from the
standard library.  Prints one "ok NAME" or "FAIL NAME: why" line per check.

  tags       the sequence of tags and attributes is the input's, except the
             values of translated attributes and lang on <html>
  kept       script, style, comments, doctype, code/pre/textarea and
             translate="no"/class="notranslate" content unchanged
  text       every text node to translate changed (or is legitimately the
             same: numbers, names), none lost (a text node per input node)
  attrs      alt/title/placeholder/aria-label and meta descriptions changed
  lang       <html lang> is the target
  marks      no '*' unknown-word marks (news mode)
"""
import sys
from html.parser import HTMLParser

TRANSLATED_ATTRS = {"alt", "title", "placeholder", "aria-label"}
META_KEYS = {("name", "description"), ("name", "twitter:title"), ("name", "twitter:description"),
             ("property", "og:title"), ("property", "og:description")}
KEEP_TAGS = {"script", "style", "code", "pre", "textarea", "svg", "math"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def translated_attr(tag, attrs, name):
    if name in TRANSLATED_ATTRS:
        return True
    if tag == "meta" and name == "content":
        d = dict(attrs)
        return any(d.get(k) == v for k, v in META_KEYS)
    return False


class Walk(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.kept, self.texts, self.attrs = [], [], [], []
        self.stack = []  # (tag, keep)
        self.lang = None

    def keep(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        keep = self.keep() or tag in KEEP_TAGS or d.get("translate") == "no" or \
            "notranslate" in (d.get("class") or "").split()
        if tag == "html":
            self.lang = d.get("lang")
        shown = []
        for k, v in attrs:
            if tag == "html" and k == "lang":
                continue  # set (or added) by the translation
            if not keep and translated_attr(tag, attrs, k):
                shown.append((k, "*"))
                if tag != "html" and v and v.strip():
                    self.attrs.append(v)
            else:
                shown.append((k, v))
        self.tags.append(("start", tag, tuple(shown)))
        if keep:
            self.kept.append(("start", tag, tuple(attrs)))
        if tag not in VOID:
            self.stack.append((tag, keep))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        self.tags.append(("end", tag))
        if self.keep():
            self.kept.append(("end", tag))
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.keep() or (self.stack and self.stack[-1][0] in KEEP_TAGS):
            self.kept.append(("data", data))
        elif data.strip():
            self.texts.append(data)

    def handle_comment(self, data):
        self.kept.append(("comment", data))
        self.tags.append(("comment",))

    def handle_decl(self, decl):
        self.kept.append(("decl", decl))


def walk(path):
    w = Walk()
    with open(path, encoding="utf-8") as f:
        w.feed(f.read())
    w.close()
    return w


def main():
    src, out = walk(sys.argv[1]), walk(sys.argv[2])
    strict = "--strict" in sys.argv
    lang = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--lang=")), "es")
    name = sys.argv[1].rsplit("/", 1)[-1]
    res = []

    def check(what, ok, why=""):
        res.append(ok)
        print(("ok %s %s" % (name, what)) if ok else ("FAIL %s %s: %s" % (name, what, why)))

    diff = next(((a, b) for a, b in zip(src.tags, out.tags) if a != b), None)
    check("tags", src.tags == out.tags, "%d vs %d tags; first difference %r" % (len(src.tags), len(out.tags), diff))
    check("kept", src.kept == out.kept, "kept content differs: %r" %
          (next(((a, b) for a, b in zip(src.kept, out.kept) if a != b), (len(src.kept), len(out.kept))),))
    check("lang", out.lang == lang, "lang=%r" % out.lang)
    # text: as many non-blank text nodes, and most of them changed
    check("text count", len(src.texts) == len(out.texts), "%d vs %d text nodes" % (len(src.texts), len(out.texts)))
    # legitimately the same: numbers and dates, and (news mode) a lone
    # capitalised word after a separator, which the name stage keeps as a
    # name ("Sign in | Subscribe", "Home > Science")
    same = [a for a, b in zip(src.texts, out.texts)
            if a.strip() == b.strip() and any(c.isalpha() for c in a) and not any(c.isdigit() for c in a)
            and not (not strict and len(a.split()) == 1 and a.strip()[0].isupper())]
    check("text translated", not same, "unchanged: %r" % same[:5])
    lost = [a for a, b in zip(src.texts, out.texts) if b.strip() == "" and a.strip()]
    check("text not lost", not lost, "emptied: %r" % lost[:5])
    src_attrs, out_attrs = src.attrs, out.attrs
    check("attrs translated", len(src_attrs) == len(out_attrs) and all(a != b for a, b in zip(src_attrs, out_attrs)),
          "%r -> %r" % (src_attrs, out_attrs))
    if not strict:
        with open(sys.argv[2], encoding="utf-8") as f:
            body = "".join(out.texts) + "".join(out.attrs)
        check("no marks", "*" not in body, "a '*' in the output text")
    return 0 if all(res) else 1


if __name__ == "__main__":
    sys.exit(main())
