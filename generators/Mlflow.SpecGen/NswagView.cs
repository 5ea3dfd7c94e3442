using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>
/// Derives, from the canonical OpenAPI 3.1 spec, the OpenAPI 3.0 view that NSwag's controller generator reads
/// (NJsonSchema understands 3.0 / draft-4 schemas). The canonical spec is never changed; the view is written into
/// a build's obj/ folder. What it rewrites:
/// <list type="bullet">
/// <item><c>type: [T, "null"]</c> becomes <c>type: T, nullable: true</c> (several non-null types: the type is dropped);</item>
/// <item><c>const: v</c> becomes <c>enum: [v]</c>;</item>
/// <item>the top-level <c>webhooks</c> (deliveries the server sends, not routes it serves), <c>jsonSchemaDialect</c>
/// and the version string (<c>3.0.3</c>);</item>
/// <item>a path parameter marked <c>x-mlflow-allow-slashes</c> becomes an ASP.NET catch-all segment
/// (<c>{**artifact_path}</c>) in the path key, so that nested artifact paths reach one action;</item>
/// <item>in proto-derived schemas (<c>x-mlflow-proto</c>), the JSON spellings the wire allows besides the value
/// (<c>"NaN"</c>/<c>"Infinity"</c> strings beside a double, a numeric string beside an int64, <c>null</c> in an
/// optional request field) are dropped, leaving the plain number, reference or type: the server's DTOs keep
/// their .NET types (double, long, string, the referenced class) and the embedded server reads null as unset.</item>
/// </list>
/// </summary>
internal static class NswagView
{
    public static int Run(string input, string output)
    {
        var doc = JsonNode.Parse(File.ReadAllText(input))!.AsObject();
        var view = Derive(doc);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var text = view.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        // Leave the file untouched when nothing changed, so that incremental builds stay incremental.
        if (!File.Exists(output) || File.ReadAllText(output) != text) File.WriteAllText(output, text);
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    public static JsonObject Derive(JsonObject spec)
    {
        var doc = spec.DeepClone().AsObject();
        doc["openapi"] = "3.0.3";
        doc.Remove("jsonSchemaDialect");
        doc.Remove("webhooks");
        foreach (var (_, schema) in doc["components"]?["schemas"]?.AsObject() ?? new JsonObject())
            if (schema is JsonObject s && s.ContainsKey("x-mlflow-proto")) StripWireSpellings(s);
        Rewrite(doc);
        var paths = doc["paths"]!.AsObject();
        var renamed = new List<(string Old, string New, JsonNode Item)>();
        foreach (var (path, item) in paths)
        {
            var slashed = item!.AsObject()
                .Where(m => m.Value is JsonObject)
                .SelectMany(m => m.Value!["parameters"]?.AsArray() ?? [])
                .Where(p => p?["in"]?.GetValue<string>() == "path" && p["x-mlflow-allow-slashes"]?.GetValue<bool>() == true)
                .Select(p => p!["name"]!.GetValue<string>())
                .Distinct()
                .ToList();
            if (slashed.Count == 0) continue;
            var newPath = slashed.Aggregate(path, (p, name) => p.Replace("{" + name + "}", "{**" + name + "}", StringComparison.Ordinal));
            renamed.Add((path, newPath, item));
        }
        foreach (var (oldPath, newPath, item) in renamed)
        {
            paths.Remove(oldPath);
            paths[newPath] = item;
        }
        return doc;
    }

    private static void StripWireSpellings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["anyOf"] is JsonArray alternatives)
                {
                    var kept = alternatives.Where(a => !IsNull(a) && !IsWireSpelling(a)).ToList();
                    if (kept.Count == 1 && kept.Count < alternatives.Count && kept[0] is JsonObject only)
                    {
                        obj.Remove("anyOf");
                        var rest = obj.ToList();
                        foreach (var (key, _) in rest) obj.Remove(key);
                        foreach (var (key, value) in only.ToList()) { only.Remove(key); obj[key] = value; }
                        foreach (var (key, value) in rest) obj[key] = value;
                    }
                }
                if (obj["type"] is JsonArray types && types.Count == 2 && types.Any(IsNullName))
                    obj["type"] = types.First(t => !IsNullName(t))!.GetValue<string>();
                foreach (var (_, child) in obj.ToList()) StripWireSpellings(child);
                break;
            case JsonArray array:
                foreach (var child in array) StripWireSpellings(child);
                break;
        }

        static bool IsNullName(JsonNode? t) => t?.GetValue<string>() == "null";
        static bool IsNull(JsonNode? s) => s is JsonObject o && o.Count == 1 && (string?)o["type"] == "null";
        static bool IsWireSpelling(JsonNode? s) => s is JsonObject o && (string?)o["type"] == "string" && (o["enum"] is not null || o["pattern"] is not null) && o["format"] is null;
    }

    private static void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonArray types)
                {
                    var names = types.Select(t => t!.GetValue<string>()).ToList();
                    var nonNull = names.Where(n => n != "null").ToList();
                    obj.Remove("type");
                    if (nonNull.Count == 1) obj["type"] = nonNull[0];
                    if (names.Contains("null")) obj["nullable"] = true;
                }
                if (obj["const"] is { } constant)
                {
                    obj.Remove("const");
                    obj["enum"] = new JsonArray(constant.DeepClone());
                }
                foreach (var (_, child) in obj.ToList()) Rewrite(child);
                break;
            case JsonArray array:
                foreach (var child in array) Rewrite(child);
                break;
        }
    }
}
