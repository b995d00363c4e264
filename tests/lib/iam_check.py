#!/usr/bin/env python3
"""
iam_check.py: check the IAM policies in conf/ against the AWS operations the
C code can call.

The operations come from the sources, not from a list: every call of
aws_call() under the scanned folders is found, the struct aws_call it is
given is read (its .service_label, .op, .proto, .method, .path and .target),
and each field is resolved to string literals through local variables,
#define'd strings, ?: and snprintf("%s...") into a local buffer, and through
the parameters of the enclosing function at every place it is called
(gd_call(p, "ListFindings", ...)). A call whose operation or service cannot
be resolved that way is an error, as is any other use of aws_call (through a
macro, a function pointer or a struct aws_call pointer handed in).

Each operation is attributed to the botocore service whose serviceId is its
service_label, must exist in that service's model (a typo fails), must be
sent with a protocol the model speaks, and with the model's HTTP method,
request path and X-Amz-Target where those are literal in the code. Every
query_new(ACTION, VERSION) must name an operation called through aws_call of
the service with that API version (the Action is what AWS authorises).

Then:
  (a) every operation is allowed by conf/iam-policy.json, and those called
      from the per-target polls (lib/sources/: run with each member
      account's credentials) also by conf/member-role-policy.json, except
      NO_PERMISSION below;
  (b) the policies allow nothing else (but the documented DEPENDENT actions
      of an action that is allowed); the member role nothing outside the
      polls' operations, and only read actions;
  (c) the operations exist in botocore (above);
  (d) no action has a wildcard, no NotAction/NotResource, every statement is
      an Allow with a unique Sid naming one service, SNS and STS never on
      "*", every ARN is of the action's service;
  (e) the JSON files parse and have Version 2012-10-17;
  (f) the trust policy lets one IAM principal (no "*") sts:AssumeRole under
      a StringEquals sts:ExternalId condition.
With --readme, every placeholder in the JSON files must be explained there.

Exit 0 when all holds, 1 with one "error:" line per problem, 2 when it
cannot run (no botocore, unreadable files).
"""
import argparse
import gzip
import json
import os
import re
import sys

# The IAM action prefix of a service is its signing name but for these.
IAM_PREFIX_EXCEPTIONS = {"monitoring": "cloudwatch", "email": "ses"}

# Called, but authorised without an identity-policy permission (AWS STS
# docs): AssumeRoleWithWebIdentity is an unsigned call allowed by the trust
# policy of the role it assumes; GetCallerIdentity needs no permission at
# all. Listing them in a policy is an error (it grants nothing useful).
NO_PERMISSION = {
    "sts:AssumeRoleWithWebIdentity": "unsigned; the role's trust policy allows it",
    "sts:GetCallerIdentity": "always allowed; needs no permission",
}

# Actions the Service Authorization Reference lists as "dependent actions"
# of one the code calls: needed for the call to succeed.
DEPENDENT = {
    "securityhub:BatchGetStandardsControlAssociations": [
        "securityhub:DescribeStandardsControls"],
}

# struct aws_call's proto -> the botocore protocol name.
PROTOCOLS = {"AWS_REST_JSON": "rest-json", "AWS_JSON_10": "json",
             "AWS_QUERY": "query"}

# Where the per-target polls live (README "Layout": "one poll of one
# target"): they run with each [account]'s assumed-role credentials.
MEMBER_DIRS = ("sources",)

READ_PREFIXES = ("Get", "List", "Describe", "BatchGet")
VERSION = "2012-10-17"
CALL_FIELDS = ("service_label", "op", "proto", "method", "path", "target")
MAX_DEPTH = 8

errors = []


def error(msg):
    errors.append(msg)


# --------------------------------------------------------------------------
# C source handling


class Unresolved(Exception):
    pass


class Val:
    """A resolved value: a string (or symbol) and where it was written."""

    def __init__(self, text, where, sym=False):
        self.text, self.where, self.sym = text, where, sym

    def __repr__(self):
        return "%s@%s" % (self.text, self.where)


def strip_comments(src):
    """Comments -> spaces (newlines kept); strings and chars untouched."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == "/" and src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j == -1 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == "/" and src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j == -1 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mask(src):
    """Preprocessor lines and the inside of literals -> spaces, so that
    braces, parentheses and commas can be counted; same offsets."""
    lines = src.split("\n")
    cont = False
    for k, line in enumerate(lines):
        if cont or line.lstrip().startswith("#"):
            cont = line.endswith("\\")
            lines[k] = " " * len(line)
    src = "\n".join(lines)
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", src[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)[:n]


def match_close(m, i):
    """Index of the bracket closing the one at m[i]."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = [pairs[m[i]]]
    j = i + 1
    while j < len(m):
        if m[j] in pairs:
            stack.append(pairs[m[j]])
        elif m[j] in ")}]":
            if m[j] != stack.pop():
                raise Unresolved("unbalanced brackets")
            if not stack:
                return j
        j += 1
    raise Unresolved("unbalanced brackets")


def split_top(m, src, a, b, sep=","):
    """Split src[a:b] on sep at bracket depth 0 (depth read from m)."""
    parts, depth, start = [], 0, a
    for j in range(a, b):
        if m[j] in "([{":
            depth += 1
        elif m[j] in ")]}":
            depth -= 1
        elif m[j] == sep and depth == 0:
            parts.append((start, j))
            start = j + 1
    parts.append((start, b))
    return [(x, y) for x, y in parts if src[x:y].strip()]


class Func:
    def __init__(self, cfile, name, params, static, hdr, body_a, body_b):
        self.file, self.name, self.params = cfile, name, params
        self.static, self.hdr = static, hdr
        self.a, self.b = body_a, body_b  # body braces, inclusive


class CFile:
    def __init__(self, path, rel):
        self.path, self.rel = path, rel
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read()
        self.src = strip_comments(raw)
        self.m = mask(self.src)
        self.defines = {}
        for d in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.+)$',
                             self.src, re.M):
            self.defines[d.group(1)] = (d.group(2).strip(), d.start(2))
        self.funcs = self._functions()
        # preprocessor lines (blank in m): aws_call must not hide there
        self.pp_calls = [mt.start() for mt in
                         re.finditer(r"\baws_call\b", self.src)
                         if self.m[mt.start()] == " " and
                         self._pp_line(mt.start())]

    def _pp_line(self, pos):
        a = self.src.rfind("\n", 0, pos) + 1
        while a > 1 and self.src[a - 2] == "\\":  # continued lines
            a = self.src.rfind("\n", 0, a - 1) + 1
        return self.src[a:pos].lstrip().startswith("#")

    def line(self, pos):
        return self.src.count("\n", 0, pos) + 1

    def where(self, pos):
        return "%s:%d" % (self.rel, self.line(pos))

    def _functions(self):
        m, funcs, depth, last = self.m, [], 0, 0
        i = 0
        while i < len(m):
            c = m[i]
            if c == "{" and depth == 0:
                hdr = m[last:i]
                close = match_close(m, i)
                f = self._header(hdr, last, i, close)
                if f is not None:
                    funcs.append(f)
                i = last = close + 1
                continue
            if c in ";}" and depth == 0:
                last = i + 1
            i += 1
        return funcs

    def _header(self, hdr, a, brace, close):
        h = hdr.rstrip()
        if not h.endswith(")"):
            return None
        end = a + len(h) - 1
        # the '(' matching the last ')'
        depth, j = 0, end
        while j >= a:
            if self.m[j] == ")":
                depth += 1
            elif self.m[j] == "(":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        name = re.search(r"(\w+)\s*$", self.m[a:j])
        if name is None or "=" in self.m[a:j]:
            return None
        params = []
        for x, y in split_top(self.m, self.src, j + 1, end):
            p = self.src[x:y]
            fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", p)
            pn = fp.group(1) if fp else (re.findall(r"\w+", p) or [""])[-1]
            if pn != "void":
                params.append(pn)
        static = re.search(r"\bstatic\b", self.m[a:j]) is not None
        return Func(self, name.group(1), params, static, (a, j), brace,
                    close)

    def func_at(self, pos):
        for f in self.funcs:
            if f.a < pos < f.b:
                return f
        return None


class Program:
    def __init__(self, roots):
        self.files = []
        for root in roots:
            base = os.path.dirname(os.path.abspath(root))
            for d, _, names in sorted(os.walk(root)):
                for n in sorted(names):
                    if n.endswith((".c", ".h")):
                        p = os.path.join(d, n)
                        self.files.append(CFile(p, os.path.relpath(p, base)))
        self.defines = {}
        for cf in self.files:
            if cf.rel.endswith(".h"):
                for k, v in cf.defines.items():
                    self.defines.setdefault(k, (v[0], v[1], cf))

    def functions(self, name):
        return [f for cf in self.files for f in cf.funcs if f.name == name]

    def callers(self, fn):
        """Every call of fn: (file, func, args (a,b) list, pos)."""
        out = []
        for cf in self.files:
            if fn.static and cf is not fn.file:
                continue
            for mt in re.finditer(r"\b%s\b" % re.escape(fn.name), cf.m):
                pos = mt.start()
                if cf is fn.file and fn.hdr[0] <= pos <= fn.hdr[1]:
                    continue
                if re.search(r"(\.|->)\s*$", cf.m[max(0, pos - 8):pos]):
                    continue  # a struct member of the same name
                g = cf.func_at(pos)
                k = mt.end()
                while k < len(cf.m) and cf.m[k].isspace():
                    k += 1
                if g is None and k < len(cf.m) and cf.m[k] == "(":
                    continue  # a prototype
                if g is None or k >= len(cf.m) or cf.m[k] != "(":
                    raise Unresolved(
                        "%s: %s is used other than by a call (a function "
                        "pointer?)" % (cf.where(pos), fn.name))
                close = match_close(cf.m, k)
                out.append((cf, g, split_top(cf.m, cf.src, k + 1, close),
                            pos))
        return out


def unparen(cf, a, b):
    while True:
        s = cf.src[a:b]
        la = len(s) - len(s.lstrip())
        a, b = a + la, a + len(s.rstrip())
        if b > a and cf.m[a] == "(" and match_close(cf.m, a) == b - 1:
            a, b = a + 1, b - 1
            continue
        return a, b


class Unbound(Unresolved):
    pass


class Ctx:
    """A function entered from one call site (site: (file, caller, args)),
    or from anywhere (site None: its parameters are unknown)."""

    def __init__(self, prog, func, site=None, depth=0):
        self.prog, self.func, self.site, self.depth = prog, func, site, depth

    def resolve(self, a, b):
        """The values the expression src[a:b] can have, or Unresolved."""
        cf = self.func.file
        a, b = unparen(cf, a, b)
        s, m = cf.src[a:b], cf.m[a:b]
        if not s:
            raise Unresolved("empty expression")
        # cond ? x : y
        depth, q = 0, None
        for j, c in enumerate(m):
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == "?" and depth == 0:
                q = j
                break
        if q is not None:
            depth, nested = 0, 0
            for j in range(q + 1, len(m)):
                c = m[j]
                if c in "([{":
                    depth += 1
                elif c in ")]}":
                    depth -= 1
                elif c == "?" and depth == 0:
                    nested += 1
                elif c == ":" and depth == 0:
                    if nested == 0:
                        return (self.resolve(a + q + 1, a + j) +
                                self.resolve(a + j + 1, b))
                    nested -= 1
            raise Unresolved("%s: bad ?: in %r" % (cf.where(a), s))
        # "a" "b" MACRO: concatenation
        toks = [(t.group(), t.start()) for t in
                re.finditer(r'"(?:[^"\\]|\\.)*"|\w+|\S', s)]
        if len(toks) > 1 and all(t.startswith('"') or
                                 re.fullmatch(r"[A-Z_]\w*", t)
                                 for t, _ in toks):
            vals = [Val("", cf.where(a))]
            for t, off in toks:
                part = self._token(t, a + off)
                vals = [Val(v.text + p.text, p.where if p.text else v.where)
                        for v in vals for p in part]
            return vals
        if len(toks) == 1:
            return self._token(toks[0][0], a)
        raise Unresolved("%s: cannot resolve %r" % (cf.where(a), s))

    def _define(self, d, dfile):
        fake = Func(dfile, "#define", [], True, (0, 0), 0, 0)
        return Ctx(self.prog, fake, None, self.depth + 1).resolve(
            d[1], d[1] + len(d[0]))

    def _token(self, t, pos):
        cf = self.func.file
        if t.startswith('"'):
            return [Val(bytes(t[1:-1], "utf-8").decode("unicode_escape"),
                        cf.where(pos))]
        if not re.fullmatch(r"[A-Za-z_]\w*", t):
            raise Unresolved("%s: cannot resolve %r" % (cf.where(pos), t))
        if self.depth > MAX_DEPTH:
            raise Unresolved("%s: %s: too deep" % (cf.where(pos), t))
        local = self._local(t)
        if t in self.func.params:
            if self.site is None:
                raise Unbound("%s: parameter %s of %s" %
                              (cf.where(pos), t, self.func.name))
            ccf, g, args = self.site
            x, y = args[self.func.params.index(t)]
            return resolve_in(self.prog, g, x, y, self.depth + 1) + \
                (local or [])
        if local is not None:
            return local
        d = cf.defines.get(t)
        if d is not None:
            return self._define(d, cf)
        d = self.prog.defines.get(t)
        if d is not None:
            return self._define(d, d[2])
        if re.fullmatch(r"[A-Z][A-Z0-9_]*", t):
            return [Val(t, cf.where(pos), sym=True)]  # an enum constant
        raise Unresolved("%s: cannot resolve %s" % (cf.where(pos), t))

    def _local(self, name):
        """Values given to a local variable of the function, or None."""
        f = self.func
        cf = f.file
        if f.name == "#define":
            return None
        body_m = cf.m[f.a:f.b + 1]
        vals, found = [], False
        w = re.search(r"&\s*%s\b|\b(str\w*cpy|str\w*cat|mem(cpy|move)|"
                      r"v?sprintf|vsnprintf)\s*\(\s*%s\b" %
                      (re.escape(name), re.escape(name)), body_m)
        if w is not None:
            raise Unresolved("%s: %s is written through a pointer" %
                             (cf.where(f.a + w.start()), name))
        # declarations with an initializer, and assignments
        for mt in re.finditer(r"(?<![\w.>])%s\s*(\[[^\]]*\]\s*)?=(?!=)"
                              % re.escape(name), body_m):
            found = True
            if mt.group(1):
                raise Unresolved("%s: array %s initialised in place" %
                                 (cf.where(f.a + mt.start()), name))
            start = f.a + mt.end()
            end = start
            depth = 0
            while end < f.b:
                c = cf.m[end]
                if c in "([{":
                    depth += 1
                elif c in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif c in ";," and depth == 0:
                    break
                end += 1
            vals += self.resolve(start, end)
        # char name[N]; written by snprintf(name, size, "%s%s", ...)
        for mt in re.finditer(r"\bsnprintf\s*\(\s*%s\s*," % re.escape(name),
                              body_m):
            found = True
            k = f.a + mt.start() + body_m[mt.start():].index("(")
            close = match_close(cf.m, k)
            args = split_top(cf.m, cf.src, k + 1, close)
            fmt = self.resolve(*args[2])
            if len(fmt) != 1 or re.search(r"%(?!s)", fmt[0].text):
                raise Unresolved("%s: snprintf into %s with a format other "
                                 "than %%s" % (cf.where(k), name))
            pieces = fmt[0].text.split("%s")
            if len(pieces) - 1 != len(args) - 3:
                raise Unresolved("%s: snprintf arguments" % cf.where(k))
            outs = [Val(pieces[0], fmt[0].where)]
            for arg, lit in zip(args[3:], pieces[1:]):
                outs = [Val(o.text + v.text + lit, v.where)
                        for o in outs for v in self.resolve(*arg)]
            vals += outs
        return vals if found else None


def sites(prog, func, depth):
    """Ctx for every call of func."""
    if depth > MAX_DEPTH:
        raise Unresolved("%s: calls nested too deep" % func.name)
    calls = prog.callers(func)
    if not calls:
        raise Unresolved("%s (%s) is never called, so what it passes to "
                         "aws_call is unknown" % (func.name, func.file.rel))
    out = []
    for cf, g, args, pos in calls:
        if len(args) != len(func.params):
            raise Unresolved("%s: %s called with %d arguments" %
                             (cf.where(pos), func.name, len(args)))
        out.append(Ctx(prog, func, (cf, g, args), depth))
    return out


def resolve_in(prog, func, a, b, depth):
    """The values of src[a:b] in func, over every call of func if the
    expression depends on its parameters."""
    try:
        return Ctx(prog, func, None, depth).resolve(a, b)
    except Unbound:
        vals = []
        for ctx in sites(prog, func, depth):
            vals += ctx.resolve(a, b)
        return vals


def find_calls(prog):
    """[(where, [{field: [Val] or None}])] for every aws_call; errors for
    any other use of aws_call."""
    found = []
    for cf in prog.files:
        for pos in cf.pp_calls:
            error("%s: aws_call in a preprocessor line (a macro?): cannot "
                  "attribute its operation" % cf.where(pos))
        for mt in re.finditer(r"\baws_call\b", cf.m):
            pos = mt.start()
            k = mt.end()
            while k < len(cf.m) and cf.m[k].isspace():
                k += 1
            if re.search(r"\bstruct\s+$", cf.m[max(0, pos - 40):pos]):
                continue  # the struct type
            g = cf.func_at(pos)
            if g is None:
                # its definition or prototype: "aws_call(struct aws *"
                if k < len(cf.m) and cf.m[k] == "(" and \
                        re.match(r"\(\s*struct\s+aws\s*\*", cf.m[k:]):
                    continue
                error("%s: aws_call used outside a function (a macro?): "
                      "cannot attribute its operation" % cf.where(pos))
                continue
            if k >= len(cf.m) or cf.m[k] != "(":
                error("%s: aws_call used other than by a call: cannot "
                      "attribute its operation" % cf.where(pos))
                continue
            try:
                found.append((cf.where(pos), call_fields(prog, cf, g, k)))
            except Unresolved as e:
                error("%s: cannot attribute this aws_call to an operation "
                      "of a service: %s" % (cf.where(pos), e))
    return found


def call_fields(prog, cf, g, k):
    close = match_close(cf.m, k)
    args = split_top(cf.m, cf.src, k + 1, close)
    if len(args) < 2:
        raise Unresolved("too few arguments")
    x, y = unparen(cf, *args[1])
    arg = cf.src[x:y]
    lit = re.match(r"&\s*\(\s*(?:const\s+)?struct\s+aws_call\s*\)\s*\{",
                   cf.m[x:y])
    inits = []
    var = None
    if lit:
        b = x + lit.end() - 1
        inits.append((b, match_close(cf.m, b)))
    else:
        v = re.fullmatch(r"&\s*(\w+)", arg)
        if v is None:
            raise Unresolved("the call is given %r, not the address of a "
                             "struct aws_call of %s" % (arg, g.name))
        var = v.group(1)
        body = cf.m[g.a:g.b + 1]
        d = re.search(r"\bstruct\s+aws_call\s+%s\s*(=\s*\{|;|\[)" % var, body)
        if d is None or d.group(1) == "[":
            raise Unresolved("%s is not a struct aws_call of %s" %
                             (var, g.name))
        if d.group(1) != ";":
            b = g.a + d.end() - 1
            inits.append((b, match_close(cf.m, b)))
    exprs = {}
    for b, e in inits:
        for x, y in split_top(cf.m, cf.src, b + 1, e):
            fm = re.match(r"\s*\.\s*(\w+)\s*=", cf.src[x:y])
            if fm is None:
                raise Unresolved("positional initializer in struct aws_call")
            exprs.setdefault(fm.group(1), []).append((x + fm.end(), y))
    if var is not None:
        body = cf.m[g.a:g.b + 1]
        for am in re.finditer(r"(?<![\w.>])%s\s*(\.|->)\s*(\w+)\s*=(?!=)" %
                              var, body):
            s = g.a + am.end()
            e = s + body[am.end():].index(";")
            exprs.setdefault(am.group(2), []).append((s, e))
        uses = len(re.findall(r"&\s*%s\b" % var, body))
        calls = len(re.findall(r"\baws_call\s*\([^;]*?,\s*&\s*%s\b" % var,
                               body))
        if uses > calls:
            raise Unresolved("&%s is handed to something else than aws_call"
                             " (filled elsewhere?)" % var)
    for req in ("service_label", "op"):
        if req not in exprs:
            raise Unresolved("no .%s" % req)

    def evaluate(ctx):
        vals = {}
        for f in CALL_FIELDS:
            vals[f] = []
            for x, y in exprs.get(f, []):
                try:
                    vals[f] += ctx.resolve(x, y)
                except Unbound:
                    raise
                except Unresolved:
                    if f in ("service_label", "op"):
                        raise
                    vals[f] = None  # optional fields: not checked
                    break
        for f in ("service_label", "op"):
            for v in vals[f]:
                if v.sym:
                    raise Unresolved("%s: .%s is %s, not a string" %
                                     (v.where, f, v.text))
        return vals

    try:
        return [evaluate(Ctx(prog, g))]
    except Unbound:
        return [evaluate(ctx) for ctx in sites(prog, g, 0)]


def find_query_actions(prog):
    """[(where, action Val, version Val)] for every query_new(A, V)."""
    out = []
    for cf in prog.files:
        for mt in re.finditer(r"\bquery_new\s*\(", cf.m):
            g = cf.func_at(mt.start())
            if g is None:
                continue  # its prototype or definition
            k = mt.end() - 1
            args = split_top(cf.m, cf.src, k + 1, match_close(cf.m, k))
            try:
                if len(args) != 2:
                    raise Unresolved("%d arguments" % len(args))
                for act in resolve_in(prog, g, *args[0], 0):
                    for ver in resolve_in(prog, g, *args[1], 0):
                        out.append((cf.where(mt.start()), act, ver))
            except Unresolved as e:
                error("%s: cannot resolve the Action of query_new: %s" %
                      (cf.where(mt.start()), e))
    return out


# --------------------------------------------------------------------------
# botocore


class Models:
    def __init__(self, data):
        self.data, self.cache = data, {}

    def _load(self, name):
        if name in self.cache:
            return self.cache[name]
        d = os.path.join(self.data, name)
        model = None
        if os.path.isdir(d):
            for v in sorted(os.listdir(d), reverse=True):
                for fn in ("service-2.json.gz", "service-2.json"):
                    p = os.path.join(d, v, fn)
                    if os.path.exists(p):
                        op = gzip.open if fn.endswith(".gz") else open
                        with op(p, "rt", encoding="utf-8") as f:
                            model = json.load(f)
                        break
                if model:
                    break
        self.cache[name] = model
        return model

    def by_service_id(self, label):
        norm = re.sub(r"[\s_-]", "", label).lower()
        m = self._load(norm)
        if m and re.sub(r"[\s_-]", "", m["metadata"].get("serviceId", "")
                        ).lower() == norm:
            return norm, m
        for name in sorted(os.listdir(self.data)):  # the slow way
            m = self._load(name)
            if m and re.sub(r"[\s_-]", "", m["metadata"].get(
                    "serviceId", "")).lower() == norm:
                return name, m
        return None, None


def iam_prefix(model):
    md = model["metadata"]
    sign = md.get("signingName") or md["endpointPrefix"]
    return IAM_PREFIX_EXCEPTIONS.get(sign, sign)


# --------------------------------------------------------------------------
# policies


def load_policy(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        error("%s: does not parse: %s" % (path, e))
        return None
    if not isinstance(doc, dict):
        error("%s: not a JSON object" % path)
        return None
    if doc.get("Version") != VERSION:
        error("%s: Version is %r, not %s" % (path, doc.get("Version"),
                                            VERSION))
    extra = set(doc) - {"Version", "Id", "Statement"}
    if extra:
        error("%s: unknown top-level keys %s" % (path, sorted(extra)))
    st = doc.get("Statement")
    if isinstance(st, dict):
        st = [st]
    if not isinstance(st, list) or not st:
        error("%s: no Statement" % path)
        return None
    return st


def as_list(v):
    return v if isinstance(v, list) else [v]


def policy_actions(path, statements):
    """{action: [resources]} of an identity policy, checking its shape."""
    allowed, sids = {}, set()
    for n, s in enumerate(statements):
        tag = "%s: statement %d" % (path, n + 1)
        if not isinstance(s, dict):
            error("%s: not an object" % tag)
            continue
        sid = s.get("Sid")
        if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9]+", sid):
            error("%s: needs a Sid of letters and digits" % tag)
        elif sid in sids:
            error("%s: Sid %s repeats" % (tag, sid))
        else:
            sids.add(sid)
            tag = "%s: %s" % (path, sid)
        if s.get("Effect") != "Allow":
            error("%s: Effect is not Allow" % tag)
        for bad in ("NotAction", "NotResource", "NotPrincipal", "Principal"):
            if bad in s:
                error("%s: has %s" % (tag, bad))
        acts = as_list(s.get("Action", []))
        res = as_list(s.get("Resource", []))
        if not acts or not res:
            error("%s: needs Action and Resource" % tag)
        prefixes = set()
        for a in acts:
            if not isinstance(a, str) or \
                    not re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", a):
                error("%s: action %r is not service:Operation (no "
                      "wildcards)" % (tag, a))
                continue
            prefixes.add(a.split(":")[0])
            if a in allowed and set(allowed[a]) != set(res):
                error("%s: %s also in another statement" % (tag, a))
            allowed.setdefault(a, [])
            allowed[a] += [r for r in res if r not in allowed[a]]
        if len(prefixes) > 1:
            error("%s: mixes services %s (one service per statement)" %
                  (tag, sorted(prefixes)))
        for p in prefixes:
            if isinstance(sid, str) and \
                    not sid.lower().startswith(p.replace("-", "")):
                error("%s: the Sid does not start with its service %s" %
                      (tag, p))
        for r in res:
            if not isinstance(r, str):
                error("%s: resource %r" % (tag, r))
                continue
            for p in prefixes:
                check_resource(tag, p, r)
    return allowed


def check_resource(tag, prefix, r):
    if r == "*":
        if prefix in ("sns", "sts"):
            error("%s: %s actions on \"*\": scope them to the topic/role" %
                  (tag, prefix))
        return
    parts = r.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[1] != "aws":
        error("%s: resource %r is not an arn:aws:... ARN" % (tag, r))
        return
    want = "iam" if prefix == "sts" else prefix
    if parts[2] != want:
        error("%s: resource %r is not of %s" % (tag, r, want))
    if prefix == "sts" and not parts[5].startswith("role/"):
        error("%s: resource %r is not a role" % (tag, r))
    acct = parts[4]
    if prefix != "sts" and not re.fullmatch(r"[A-Z][A-Z0-9_]*|\d{12}", acct):
        error("%s: resource %r is not scoped to an account" % (tag, r))


def placeholders(obj):
    out = set()
    if isinstance(obj, dict):
        for v in obj.values():
            out |= placeholders(v)
    elif isinstance(obj, list):
        for v in obj:
            out |= placeholders(v)
    elif isinstance(obj, str):
        for seg in re.split(r"[:/]", obj):
            if re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]*", seg):
                out.add(seg)
    return out


def check_trust(path):
    st = load_policy(path)
    if st is None:
        return
    ok = False
    for n, s in enumerate(st):
        tag = "%s: statement %d" % (path, n + 1)
        if not isinstance(s, dict):
            error("%s: not an object" % tag)
            continue
        if s.get("Effect") != "Allow":
            error("%s: Effect is not Allow" % tag)
        if "NotPrincipal" in s or "NotAction" in s:
            error("%s: NotPrincipal/NotAction" % tag)
        acts = as_list(s.get("Action", []))
        if acts != ["sts:AssumeRole"]:
            error("%s: Action must be sts:AssumeRole alone, not %r" %
                  (tag, acts))
        pr = s.get("Principal")
        aws = as_list(pr.get("AWS", [])) if isinstance(pr, dict) else []
        if not aws or set(pr) != {"AWS"}:
            error("%s: Principal must be {\"AWS\": role ARN}" % tag)
        for p in aws:
            if not isinstance(p, str) or \
                    not re.fullmatch(r"arn:aws:iam::[A-Z0-9_]+:role/[\w+=,.@/-]+",
                                     p) or "*" in p:
                error("%s: principal %r is not one IAM role ARN" % (tag, p))
        cond = s.get("Condition", {})
        ext = cond.get("StringEquals", {}).get("sts:ExternalId") \
            if isinstance(cond, dict) and \
            isinstance(cond.get("StringEquals"), dict) else None
        if not isinstance(ext, str) or len(ext) < 2 or "*" in ext:
            error("%s: no Condition StringEquals sts:ExternalId" % tag)
        else:
            ok = True
    if not ok:
        error("%s: no statement requires the external id" % path)


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", action="append", required=True,
                    help="a source folder to scan (lib, daemon)")
    ap.add_argument("--conf", required=True, help="the folder of the JSON")
    ap.add_argument("--readme", help="README.md: placeholders documented")
    ap.add_argument("--botocore-data", help="botocore's data folder")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()

    data = args.botocore_data
    if data is None:
        try:
            import botocore
        except ImportError:
            print("iam_check: botocore is not installed", file=sys.stderr)
            return 2
        data = os.path.join(os.path.dirname(botocore.__file__), "data")
    models = Models(data)

    for d in args.src:
        if not os.path.isdir(d):
            print("iam_check: %s: not a folder" % d, file=sys.stderr)
            return 2
    try:
        prog = Program(args.src)
    except Unresolved as e:
        error("cannot parse the sources: %s" % e)
        prog = None

    # ---- the operations the code calls
    ops = {}  # "prefix:Op" -> {"where": set, "member": bool, "svc": name}
    calls = find_calls(prog) if prog else []
    if prog and not calls:
        error("no aws_call found under %s" % ", ".join(args.src))
    for where, variants in calls:
        for v in variants:
            labels = {x.text for x in v["service_label"]}
            if len(labels) != 1:
                error("%s: service label %s is not one service" %
                      (where, sorted(labels)))
                continue
            label = labels.pop()
            name, model = models.by_service_id(label)
            if model is None:
                error("%s: service %r is not a botocore serviceId: cannot "
                      "attribute %s" % (where, label,
                                        [x.text for x in v["op"]]))
                continue
            md = model["metadata"]
            protos = md.get("protocols") or [md.get("protocol")]
            for p in v["proto"] or []:
                want = PROTOCOLS.get(p.text)
                if want is None:
                    error("%s: unknown protocol %s" % (where, p.text))
                elif want not in protos:
                    error("%s: %s does not speak %s (%s)" %
                          (where, label, want, ", ".join(protos)))
            for o in v["op"]:
                spec = model["operations"].get(o.text)
                if spec is None:
                    error("%s: %s has no operation %r in botocore "
                          "(%s %s)" % (o.where, label, o.text, name,
                                       md.get("apiVersion")))
                    continue
                http = spec.get("http", {})
                for mth in v["method"] or []:
                    if mth.text != http.get("method", "POST"):
                        error("%s: %s.%s is %s, not %s" % (
                            mth.where, label, o.text, http.get("method"),
                            mth.text))
                uri = http.get("requestUri", "/").split("?")[0]
                for pth in v["path"] or []:
                    if "{" not in uri and pth.text.split("?")[0] != uri:
                        error("%s: %s.%s is at %s, not %s" % (
                            pth.where, label, o.text, uri, pth.text))
                tgt = (md.get("targetPrefix") or "") + "." + o.text
                if v["target"] and len(v["op"]) == 1:
                    for t in v["target"]:
                        if t.text != tgt:
                            error("%s: X-Amz-Target %s for %s.%s (want %s)"
                                  % (t.where, t.text, label, o.text, tgt))
                act = "%s:%s" % (iam_prefix(model), o.text)
                e = ops.setdefault(act, {"where": set(), "calls": set(),
                                         "member": False, "svc": name,
                                         "label": label})
                e["where"].add(o.where)
                e["calls"].add(where)
                if any(("/%s/" % d) in "/" + where.split(":")[0]
                       for d in MEMBER_DIRS):
                    e["member"] = True

    # ---- query protocol: the Action sent must be a called operation
    for where, act, ver in find_query_actions(prog) if prog else []:
        hits = [a for a, e in ops.items() if a.split(":")[1] == act.text
                and models.by_service_id(e["label"])[1]["metadata"].get(
                    "apiVersion") == ver.text]
        if not hits:
            error("%s: query_new(%r, %r) sends an Action not called through "
                  "aws_call of a service with that API version" %
                  (where, act.text, ver.text))

    # ---- the policies
    ident_path = os.path.join(args.conf, "iam-policy.json")
    member_path = os.path.join(args.conf, "member-role-policy.json")
    trust_path = os.path.join(args.conf, "member-role-trust.json")
    ident = load_policy(ident_path)
    member = load_policy(member_path)
    ident_acts = policy_actions(ident_path, ident) if ident else {}
    member_acts = policy_actions(member_path, member) if member else {}
    check_trust(trust_path)

    needed_ident = {a for a in ops if a not in NO_PERMISSION}
    needed_member = {a for a, e in ops.items()
                     if e["member"] and a not in NO_PERMISSION}
    for a in sorted(needed_ident):
        if a not in ident_acts:
            error("%s: %s (called at %s) is not allowed" % (
                ident_path, a, ", ".join(sorted(ops[a]["where"]))))
    for a in sorted(needed_member):
        if a not in member_acts:
            error("%s: %s (called at %s, per account) is not allowed" % (
                member_path, a, ", ".join(sorted(ops[a]["where"]))))

    def extras(path, acts, needed):
        deps = {d for a in needed for d in DEPENDENT.get(a, [])}
        for a in sorted(acts):
            if a in NO_PERMISSION:
                error("%s: %s needs no permission (%s): remove it" %
                      (path, a, NO_PERMISSION[a]))
            elif a not in needed and a not in deps:
                error("%s: %s is allowed but the code never calls it" %
                      (path, a))
        for a in sorted(deps - set(acts)):
            error("%s: %s is needed by %s (a dependent action)" %
                  (path, a, [x for x in needed if a in DEPENDENT.get(x, [])]))

    if ident:
        extras(ident_path, ident_acts, needed_ident)
    if member:
        extras(member_path, member_acts, needed_member)
        for a in sorted(member_acts):
            if not a.split(":")[1].startswith(READ_PREFIXES):
                error("%s: %s is not a read action" % (member_path, a))
            if a.split(":")[0] in ("sns", "sts", "iam"):
                error("%s: %s does not belong in the member role" %
                      (member_path, a))

    if args.readme:
        try:
            with open(args.readme, encoding="utf-8") as f:
                readme = f.read()
        except OSError as e:
            error("%s: %s" % (args.readme, e))
            readme = None
        if readme is not None:
            for path in (ident_path, member_path, trust_path):
                try:
                    with open(path, encoding="utf-8") as f:
                        doc = json.load(f)
                except (OSError, ValueError):
                    continue
                for ph in sorted(placeholders(doc)):
                    if not re.search(r"(?<![A-Z0-9_])%s(?![A-Z0-9_])" % ph,
                                     readme):
                        error("%s: placeholder %s is not explained in %s" %
                              (path, ph, args.readme))

    if not args.quiet:
        for a in sorted(ops):
            e = ops[a]
            how = ("no permission needed" if a in NO_PERMISSION else
                   "identity + member role" if e["member"] else "identity")
            print("%-50s %-22s named at %s; aws_call at %s" % (
                a, how, ", ".join(sorted(e["where"])),
                ", ".join(sorted(e["calls"]))))
    for e in errors:
        print("error: %s" % e)
    if errors:
        print("iam_check: %d error(s)" % len(errors))
        return 1
    print("iam_check: OK: %d operations, all allowed, nothing more" %
          len(ops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
