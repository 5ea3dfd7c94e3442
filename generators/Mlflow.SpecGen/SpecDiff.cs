using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>One difference between two specs.</summary>
/// <param name="Kind">added, removed, retyped, required, optional, nullable, enum-added, enum-removed.</param>
/// <param name="Where">What changed: <c>operation POST /api/...</c>, <c>createRun parameter query:x</c>,
/// <c>schema RunInfo</c>, <c>schema RunInfo.start_time</c>, <c>enum RunStatus.KILLED</c>.</param>
/// <param name="Breaking">True when code or data written for the old spec may stop working with the new one.</param>
/// <param name="Detail">The old and new types for a retyped item, else empty.</param>
internal sealed record SpecChange(string Kind, string Where, bool Breaking, string Detail = "")
{
    /// <summary>The section of the report: Operations, Parameters, Schemas, Fields or Enum values.</summary>
    public string Category => Where switch
    {
        _ when Where.StartsWith("operation ", StringComparison.Ordinal) => "Operations",
        _ when Where.Contains(" parameter ", StringComparison.Ordinal) => "Parameters",
        _ when Where.StartsWith("enum ", StringComparison.Ordinal) => "Enum values",
        _ when Where.StartsWith("schema ", StringComparison.Ordinal) && Where.Contains('.') => "Fields",
        _ => "Schemas",
    };
}

/// <summary>
/// Compares two specs at the level a client cares about: operations added or removed (and their request and
/// answer types), parameters, schemas, fields (added, removed, retyped, newly required or optional) and enum
/// values. Breaking: removals, retypes, newly required inputs and removed enum values. Types are compared as the
/// generated client sees them, so the wire alternatives of a number (<c>"NaN"</c> strings, int64 as a string) and
/// an added <c>null</c> are not retypes (a nullability change is listed, not breaking).
/// </summary>
internal static class SpecDiff
{
    private static readonly string[] Categories = ["Operations", "Parameters", "Schemas", "Fields", "Enum values"];

    public static List<SpecChange> Compare(JsonObject oldSpec, JsonObject newSpec)
    {
        var changes = new List<SpecChange>();
        var oldOps = Operations(oldSpec);
        var newOps = Operations(newSpec);
        foreach (var (key, op) in oldOps.Where(o => !newOps.ContainsKey(o.Key))) changes.Add(new("removed", "operation " + key, true, Id(op)));
        foreach (var (key, op) in newOps.Where(o => !oldOps.ContainsKey(o.Key))) changes.Add(new("added", "operation " + key, false, Id(op)));
        foreach (var (key, oldOp) in oldOps)
        {
            if (!newOps.TryGetValue(key, out var newOp)) continue;
            var name = (string?)newOp["operationId"] ?? key;
            var oldParams = Params(oldOp);
            var newParams = Params(newOp);
            foreach (var p in oldParams.Keys.Except(newParams.Keys)) changes.Add(new("removed", $"{name} parameter {p}", true));
            foreach (var p in newParams.Keys.Except(oldParams.Keys)) changes.Add(new("added", $"{name} parameter {p}", newParams[p].Required));
            foreach (var p in oldParams.Keys.Intersect(newParams.Keys))
            {
                var (oldRequired, oldType) = oldParams[p];
                var (newRequired, newType) = newParams[p];
                CompareTypes(changes, $"{name} parameter {p}", oldType, newType);
                if (newRequired && !oldRequired) changes.Add(new("required", $"{name} parameter {p}", true));
                else if (oldRequired && !newRequired) changes.Add(new("optional", $"{name} parameter {p}", false));
            }
            CompareTypes(changes, $"{name} parameter body", BodyType(oldOp), BodyType(newOp));
            CompareTypes(changes, $"{name} parameter answer", AnswerType(oldOp), AnswerType(newOp));
        }

        var oldSchemas = oldSpec["components"]?["schemas"]?.AsObject() ?? new JsonObject();
        var newSchemas = newSpec["components"]?["schemas"]?.AsObject() ?? new JsonObject();
        foreach (var (name, oldSchema) in oldSchemas)
        {
            if (newSchemas[name] is not JsonObject newSchema) { changes.Add(new("removed", "schema " + name, true)); continue; }
            var oldEnum = EnumValues(oldSchema);
            var newEnum = EnumValues(newSchema);
            if (oldEnum is not null || newEnum is not null)
            {
                foreach (var v in (oldEnum ?? []).Except(newEnum ?? [])) changes.Add(new("enum-removed", $"enum {name}.{v}", true));
                foreach (var v in (newEnum ?? []).Except(oldEnum ?? [])) changes.Add(new("enum-added", $"enum {name}.{v}", false));
            }
            var oldProps = oldSchema!["properties"]?.AsObject() ?? new JsonObject();
            var newProps = newSchema["properties"]?.AsObject() ?? new JsonObject();
            foreach (var (prop, oldProp) in oldProps)
            {
                if (newProps[prop] is not JsonNode newProp) changes.Add(new("removed", $"schema {name}.{prop}", true));
                else CompareTypes(changes, $"schema {name}.{prop}", oldProp, newProp);
            }
            foreach (var (prop, _) in newProps.Where(p => !oldProps.ContainsKey(p.Key))) changes.Add(new("added", $"schema {name}.{prop}", false));
            var oldReq = Required(oldSchema).ToList();
            var newReq = Required(newSchema).ToList();
            foreach (var r in newReq.Except(oldReq)) changes.Add(new("required", $"schema {name}.{r}", true));
            foreach (var r in oldReq.Except(newReq).Where(newProps.ContainsKey)) changes.Add(new("optional", $"schema {name}.{r}", false));
            if (oldEnum is null && newEnum is null && oldProps.Count == 0 && newProps.Count == 0)
                CompareTypes(changes, "schema " + name, oldSchema, newSchema);
        }
        foreach (var (name, _) in newSchemas.Where(s => !oldSchemas.ContainsKey(s.Key))) changes.Add(new("added", "schema " + name, false));
        return changes;
    }

    /// <summary>A plain-text report, one change per line, then the counts.</summary>
    public static string ToText(IReadOnlyList<SpecChange> changes)
    {
        var sb = new StringBuilder();
        foreach (var c in changes)
            sb.Append(c.Breaking ? "BREAKING " : "ok       ").Append(c.Kind.PadRight(12)).Append(' ').Append(c.Where)
              .Append(c.Detail.Length > 0 ? "  (" + c.Detail + ")" : "").Append('\n');
        sb.Append(Summary(changes)).Append('\n');
        return sb.ToString();
    }

    /// <summary>A Markdown report: a summary table per category, then the changes, breaking ones first.</summary>
    public static string ToMarkdown(IReadOnlyList<SpecChange> changes, string oldName, string newName)
    {
        var sb = new StringBuilder();
        sb.Append("# API diff\n\n");
        sb.Append("`").Append(Path.GetFileName(oldName)).Append("` → `").Append(Path.GetFileName(newName)).Append("`: ")
          .Append(Summary(changes)).Append(".\n\n");
        sb.Append("| | added | removed | changed | breaking |\n|---|---:|---:|---:|---:|\n");
        foreach (var category in Categories)
        {
            var inCategory = changes.Where(c => c.Category == category).ToList();
            sb.Append("| ").Append(category)
              .Append(" | ").Append(inCategory.Count(c => c.Kind is "added" or "enum-added"))
              .Append(" | ").Append(inCategory.Count(c => c.Kind is "removed" or "enum-removed"))
              .Append(" | ").Append(inCategory.Count(c => c.Kind is not ("added" or "enum-added" or "removed" or "enum-removed")))
              .Append(" | ").Append(inCategory.Count(c => c.Breaking)).Append(" |\n");
        }
        foreach (var category in Categories)
        {
            var inCategory = changes.Where(c => c.Category == category).OrderByDescending(c => c.Breaking).ThenBy(c => c.Where, StringComparer.Ordinal).ToList();
            if (inCategory.Count == 0) continue;
            sb.Append("\n## ").Append(category).Append("\n\n| change | where | breaking | detail |\n|---|---|---|---|\n");
            foreach (var c in inCategory)
                sb.Append("| ").Append(c.Kind).Append(" | `").Append(c.Where).Append("` | ").Append(c.Breaking ? "**yes**" : "no")
                  .Append(" | ").Append(c.Detail.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
        }
        return sb.ToString();
    }

    /// <summary>"N changes, M breaking".</summary>
    public static string Summary(IReadOnlyList<SpecChange> changes) =>
        $"{changes.Count} changes, {changes.Count(c => c.Breaking)} breaking";

    private static void CompareTypes(List<SpecChange> changes, string where, JsonNode? oldSchema, JsonNode? newSchema)
    {
        var (oldType, oldNull) = TypeOf(oldSchema);
        var (newType, newNull) = TypeOf(newSchema);
        if (oldType != newType) changes.Add(new("retyped", where, true, oldType + " → " + newType));
        else if (oldNull != newNull) changes.Add(new("nullable", where, false, newNull ? "now accepts null" : "no longer accepts null"));
    }

    /// <summary>
    /// The type as the generated client sees it: a reference, a scalar with its format, an array or map of one,
    /// with the wire alternatives of numbers folded in; and whether null is allowed.
    /// </summary>
    internal static (string Type, bool Nullable) TypeOf(JsonNode? schema)
    {
        if (schema is not JsonObject s) return ("none", false);
        if ((string?)s["$ref"] is { } r) return (r.Split('/').Last(), false);
        if ((s["anyOf"] ?? s["oneOf"]) is JsonArray alternatives && alternatives.Count > 0)
        {
            var nullable = false;
            var kept = new List<string>();
            foreach (var alt in alternatives)
            {
                if (alt is JsonObject a && (string?)a["type"] == "null") { nullable = true; continue; }
                // "NaN"/"Infinity" strings beside a number, a numeric string beside an integer: the same value.
                var numeric = kept.Count > 0 && (kept[0].StartsWith("integer", StringComparison.Ordinal) || kept[0].StartsWith("number", StringComparison.Ordinal));
                if (numeric && alt is JsonObject w && (string?)w["type"] == "string" && (w["enum"] is not null || w["pattern"] is not null)) continue;
                var (t, n) = TypeOf(alt);
                nullable |= n;
                kept.Add(t);
            }
            return (kept.Count == 1 ? kept[0] : "anyOf(" + string.Join(", ", kept) + ")", nullable);
        }
        var types = s["type"] switch
        {
            JsonArray a => a.Select(x => (string)x!).ToList(),
            JsonValue v => [(string)v!],
            _ => new List<string>(),
        };
        var isNullable = types.Remove("null");
        if (types.Count == 0) return (s["enum"] is not null ? "string" : "any", isNullable);
        var type = types.Count == 1 ? types[0] : string.Join("|", types);
        var format = (string?)s["format"];
        switch (type)
        {
            case "array": return ("array<" + TypeOf(s["items"]).Type + ">", isNullable);
            case "object" when s["additionalProperties"] is JsonObject values: return ("map<" + TypeOf(values).Type + ">", isNullable);
            default: return (format is null ? type : type + "/" + format, isNullable);
        }
    }

    private static string Id(JsonObject op) => (string?)op["operationId"] ?? "";

    private static Dictionary<string, JsonObject> Operations(JsonObject spec)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (path, item) in spec["paths"]?.AsObject() ?? new JsonObject())
            foreach (var (method, op) in item!.AsObject())
                if (op is JsonObject o) result[method.ToUpperInvariant() + " " + path] = o;
        return result;
    }

    private static Dictionary<string, (bool Required, JsonNode? Schema)> Params(JsonObject op) =>
        (op["parameters"]?.AsArray() ?? new JsonArray()).Where(p => p?["name"] is not null)
            .GroupBy(p => (string)p!["in"]! + ":" + (string)p!["name"]!)
            .ToDictionary(g => g.Key, g => ((bool?)g.First()!["required"] ?? false, g.First()!["schema"]));

    private static JsonNode? BodyType(JsonObject op) =>
        op["requestBody"]?["content"]?.AsObject().Select(c => c.Value?["schema"]).FirstOrDefault();

    private static JsonNode? AnswerType(JsonObject op)
    {
        var responses = op["responses"]?.AsObject();
        var success = responses?.Where(r => r.Key.StartsWith('2')).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value).FirstOrDefault();
        return success?["content"]?.AsObject().Select(c => c.Value?["schema"]).FirstOrDefault();
    }

    private static List<string>? EnumValues(JsonNode? schema) =>
        schema?["enum"] is JsonArray values ? values.Select(v => v?.ToString() ?? "null").ToList() : null;

    private static IEnumerable<string> Required(JsonNode? schema) =>
        (schema?["required"]?.AsArray() ?? new JsonArray()).Select(r => (string)r!);
}
