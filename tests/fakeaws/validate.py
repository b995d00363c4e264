"""Input validation driven by botocore's service models.

Owns: loading a service model (botocore.loaders), turning a rest-json
request's URI labels, query string and JSON body into one input dict keyed
by wire names, and checking it against the operation's input shape the way
the service front end would (types, unknown members, required members,
enums, list lengths, numeric ranges).  Problems raise wire.ApiError 400
with a message naming the offending member.
"""

import botocore.loaders
import botocore.model

from wire import bad_request

INT32 = (-2 ** 31, 2 ** 31 - 1)
INT64 = (-2 ** 63, 2 ** 63 - 1)

_models = {}


def service_model(name):
    """botocore ServiceModel for `name` (cached)."""
    if name not in _models:
        loader = botocore.loaders.create_loader()
        _models[name] = botocore.model.ServiceModel(
            loader.load_service_model(name, "service-2"), name)
    return _models[name]


def _wire_name(member_name, shape):
    return shape.serialization.get("name", member_name)


def _fail(path, text):
    raise bad_request("1 validation error detected: %s at '%s'" % (text, path))


def _check_number(shape, value, path, limits, integral):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(path, "Value %r must be a number (%s)" % (value, shape.type_name))
    if integral and (isinstance(value, float) and not value.is_integer()):
        _fail(path, "Value %r must be an integer" % (value,))
    if integral and not limits[0] <= value <= limits[1]:
        _fail(path, "Value %r is out of range for a %s" % (value,
                                                          shape.type_name))
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if lo is not None and value < lo:
        _fail(path, "Value '%s' failed to satisfy constraint: Member must "
              "have value greater than or equal to %s" % (value, lo))
    if hi is not None and value > hi:
        _fail(path, "Value '%s' failed to satisfy constraint: Member must "
              "have value less than or equal to %s" % (value, hi))


def _check_length(shape, n, path, what):
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if lo is not None and n < lo:
        _fail(path, "%s failed to satisfy constraint: Member must have "
              "length greater than or equal to %s" % (what, lo))
    if hi is not None and n > hi:
        _fail(path, "%s failed to satisfy constraint: Member must have "
              "length less than or equal to %s" % (what, hi))


def check_value(shape, value, path, skip=()):
    """Validate one value against a shape; `skip` = top-level member names
    not expected in this part of the input (URI/query members)."""
    t = shape.type_name
    if t == "structure":
        _check_structure(shape, value, path, skip)
    elif t == "list":
        if not isinstance(value, list):
            _fail(path, "Value must be a list")
        _check_length(shape, len(value), path, "List of %d" % len(value))
        for i, v in enumerate(value):
            check_value(shape.member, v, "%s.%d" % (path, i + 1))
    elif t == "map":
        if not isinstance(value, dict):
            _fail(path, "Value must be a map (JSON object)")
        for k, v in value.items():
            check_value(shape.key, k, path + " key")
            check_value(shape.value, v, "%s.%s" % (path, k))
    elif t == "string":
        if not isinstance(value, str):
            _fail(path, "Value %r must be a string" % (value,))
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            _fail(path, "Value '%s' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [%s]" % (value, ", ".join(enum)))
        _check_length(shape, len(value), path, "Value '%s'" % value)
    elif t == "boolean":
        if not isinstance(value, bool):
            _fail(path, "Value %r must be a boolean" % (value,))
    elif t in ("integer", "long"):
        _check_number(shape, value, path, INT32 if t == "integer" else INT64,
                      True)
    elif t in ("double", "float"):
        _check_number(shape, value, path, None, False)
    elif t == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            _fail(path, "Value %r must be a timestamp" % (value,))


def _check_structure(shape, value, path, skip):
    if not isinstance(value, dict):
        _fail(path or "body", "Value must be a structure (JSON object)")
    by_wire = {_wire_name(n, m): (n, m) for n, m in shape.members.items()
               if n not in skip}
    for key, v in value.items():
        if key not in by_wire:
            _fail(path or "body", "Unknown member '%s'" % key)
        name, member = by_wire[key]
        if v is None:
            continue
        check_value(member, v, _join(path, key))
    for name in shape.required_members:
        if name in skip:
            continue
        wire = _wire_name(name, shape.members[name])
        if value.get(wire) is None:
            _fail(_join(path, wire), "Value null failed to satisfy "
                  "constraint: Member must not be null")


def _join(path, key):
    return key if not path else path + "." + key


def _query_value(shape, text, path):
    """Convert a query-string value to the member's type."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            _fail(path, "Value '%s' must be an integer" % text)
    if shape.type_name == "boolean":
        if text not in ("true", "false"):
            _fail(path, "Value '%s' must be true or false" % text)
        return text == "true"
    return text


def rest_json_input(service, op, labels, query, body):
    """Validate and merge a rest-json request's input.

    labels: URI label name -> decoded value; query: name -> value (last
    one); body: parsed JSON (dict) or None.  Returns a dict keyed by wire
    names (URI labels under their locationName, query members under theirs,
    body members under their JSON names).
    """
    shape = service_model(service).operation_model(op).input_shape
    if shape is None:
        return {}
    out = {}
    non_body = set()
    for name, member in shape.members.items():
        loc = member.serialization.get("location")
        if not loc:
            continue
        non_body.add(name)
        wire = _wire_name(name, member)
        if loc == "uri" and wire in labels:
            out[wire] = labels[wire]
            check_value(member, out[wire], wire)
        elif loc == "querystring" and wire in query:
            out[wire] = _query_value(member, query[wire], wire)
            check_value(member, out[wire], wire)
    body = {} if body is None else body
    check_value(shape, body, "", skip=non_body)
    out.update(body)
    return out
