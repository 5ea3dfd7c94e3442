using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlflow.TestSupport;

/// <summary>
/// A small JSON Schema (OpenAPI 3.1 subset) validator for the constructs the spec uses: $ref, type (with
/// "null"), properties, required, additionalProperties, items, enum, const, pattern, anyOf, oneOf, allOf and the formats
/// int32, int64, double, float, byte, date-time. It applies the spec's documented wire leniencies
/// (x-mlflow-wire): int64 may be a numeric string, doubles may be "NaN"/"Infinity"/"-Infinity".
/// </summary>
public sealed class SchemaValidator(JsonObject spec)
{
    private readonly JsonObject _schemas = spec["components"]!["schemas"]!.AsObject();

    /// <summary>Validates <paramref name="value"/>; returns the problems found (empty when valid).</summary>
    public List<string> Validate(JsonNode? value, JsonNode schema, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors, 0);
        return errors;
    }

    /// <summary>Resolves a local reference such as <c>#/components/schemas/Run</c>.</summary>
    public JsonNode Resolve(string reference)
    {
        const string prefix = "#/components/schemas/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidOperationException("unsupported $ref " + reference);
        return _schemas[reference[prefix.Length..]] ?? throw new InvalidOperationException("dangling $ref " + reference);
    }

    private void Check(JsonNode? value, JsonNode schemaNode, string path, List<string> errors, int depth)
    {
        if (depth > 64) { errors.Add(path + ": schema nesting too deep"); return; }
        if (schemaNode is not JsonObject schema) return;
        if (schema["$ref"] is JsonNode r)
        {
            Check(value, Resolve((string)r!), path, errors, depth + 1);
            return;
        }
        if (schema["allOf"] is JsonArray all)
            foreach (var s in all) Check(value, s!, path, errors, depth + 1);
        if (schema["anyOf"] is JsonArray any && !any.Any(s => Validate(value, s!, path).Count == 0))
            errors.Add($"{path}: matches none of anyOf ({Describe(value)})");
        if (schema["oneOf"] is JsonArray one)
        {
            var matches = one.Count(s => Validate(value, s!, path).Count == 0);
            if (matches != 1) errors.Add($"{path}: matches {matches} of oneOf, expected exactly 1 ({Describe(value)})");
        }
        if (schema["const"] is JsonNode c && !JsonNode.DeepEquals(c, value)) errors.Add($"{path}: expected constant {c.ToJsonString()}");
        if ((string?)schema["pattern"] is { } pattern && value is JsonValue pv && pv.TryGetValue<string>(out var ps)
            && !System.Text.RegularExpressions.Regex.IsMatch(ps, pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant))
            errors.Add($"{path}: {Describe(value)} does not match the pattern {pattern}");
        if (schema["enum"] is JsonArray e && !e.Any(x => JsonNode.DeepEquals(x, value)))
            errors.Add($"{path}: {Describe(value)} is not one of the enum values");

        var types = schema["type"] switch
        {
            JsonArray a => a.Select(t => (string)t!).ToArray(),
            JsonValue v => new[] { (string)v! },
            _ => null,
        };
        if (types is null) return;
        var format = (string?)schema["format"];
        string? matched = null;
        foreach (var t in types)
            if (IsType(value, t, format)) { matched = t; break; }
        if (matched is null)
        {
            errors.Add($"{path}: expected {string.Join("|", types)}{(format is null ? "" : "/" + format)}, got {Describe(value)}");
            return;
        }
        if (matched == "object") CheckObject(value!.AsObject(), schema, path, errors, depth);
        else if (matched == "array" && schema["items"] is JsonNode items)
        {
            var arr = value!.AsArray();
            for (var i = 0; i < arr.Count; i++) Check(arr[i], items, $"{path}[{i}]", errors, depth + 1);
        }
    }

    private void CheckObject(JsonObject obj, JsonObject schema, string path, List<string> errors, int depth)
    {
        var props = schema["properties"] as JsonObject;
        foreach (var req in schema["required"]?.AsArray() ?? new JsonArray())
            if (!obj.ContainsKey((string)req!)) errors.Add($"{path}: missing required property '{req}'");
        foreach (var (key, v) in obj)
        {
            if (props?[key] is JsonNode ps) Check(v, ps, path + "." + key, errors, depth + 1);
            else if (schema["additionalProperties"] is JsonNode ap)
            {
                if (ap is JsonValue b && b.TryGetValue<bool>(out var allowed)) { if (!allowed) errors.Add($"{path}: unexpected property '{key}'"); }
                else Check(v, ap, path + "." + key, errors, depth + 1);
            }
        }
    }

    private static bool IsType(JsonNode? value, string type, string? format)
    {
        switch (type)
        {
            case "null": return value is null;
            case "object": return value is JsonObject;
            case "array": return value is JsonArray;
            case "boolean": return value is JsonValue b && b.TryGetValue<bool>(out _);
            case "string":
                if (value is not JsonValue s || !s.TryGetValue<string>(out var text)) return false;
                return format switch
                {
                    "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
                    "byte" => IsBase64(text),
                    _ => true,
                };
            case "integer":
                if (value is JsonValue iv)
                {
                    if (iv.TryGetValue<long>(out _)) return true;
                    if (iv.TryGetValue<double>(out var d)) return d == Math.Floor(d) && Math.Abs(d) < 9.3e18;
                    // The spec's wire rule: int64 may travel as a string holding the number.
                    if (format == "int64" && iv.TryGetValue<string>(out var str)) return long.TryParse(str, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
                }
                return false;
            case "number":
                if (value is JsonValue nv)
                {
                    if (nv.TryGetValue<double>(out _)) return true;
                    // Non-finite doubles travel as these strings.
                    if (nv.TryGetValue<string>(out var str)) return str is "NaN" or "Infinity" or "-Infinity";
                }
                return false;
            default:
                return false;
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static string Describe(JsonNode? value)
    {
        var text = value is null ? "null" : value.ToJsonString();
        return text.Length > 80 ? text[..80] + "..." : text;
    }
}
