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
/// (<c>{**artifact_path}</c>) in the path key, so that nested artifact paths reach one action.</item>
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
