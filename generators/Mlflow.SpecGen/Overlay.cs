using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>
/// The hand-written part of the spec (spec/sources/overlay/*.json, format in that folder's README): routes
/// without protos, their schemas, patches of proto-derived operations, webhook events, names and exclusions.
/// </summary>
internal sealed class Overlay
{
    public List<JsonObject> Routes { get; } = new();
    public List<(string Name, JsonNode Schema)> Schemas { get; } = new();
    public Dictionary<string, JsonObject> Patches { get; } = new(StringComparer.Ordinal);
    public List<JsonObject> Webhooks { get; } = new();
    public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Exclude { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonNode> SchemaExamples { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> OperationIds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, string>> RelaxRequired { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> AlwaysWritten { get; } = new(StringComparer.Ordinal);

    public static Overlay Load(string directory)
    {
        var overlay = new Overlay();
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            JsonObject root;
            try { root = JsonNode.Parse(File.ReadAllText(file), documentOptions: options)!.AsObject(); }
            catch (JsonException ex) { throw new SpecGenException($"{name}: not valid JSON: {ex.Message}"); }
            foreach (var r in root["routes"]?.AsArray() ?? new JsonArray()) overlay.Routes.Add(r!.AsObject());
            foreach (var (k, v) in root["schemas"]?.AsObject() ?? new JsonObject())
            {
                if (overlay.Schemas.Any(s => s.Name == k)) throw new SpecGenException($"{name}: schema {k} is defined twice");
                overlay.Schemas.Add((k, v!));
            }
            foreach (var (k, v) in root["patches"]?.AsObject() ?? new JsonObject()) overlay.Patches[k] = v!.AsObject();
            foreach (var w in root["webhooks"]?.AsArray() ?? new JsonArray()) overlay.Webhooks.Add(w!.AsObject());
            foreach (var (k, v) in root["names"]?.AsObject() ?? new JsonObject()) overlay.Names[k] = (string)v!;
            foreach (var (k, v) in root["exclude"]?.AsObject() ?? new JsonObject()) overlay.Exclude[k] = (string)v!;
            foreach (var (k, v) in root["operationIds"]?.AsObject() ?? new JsonObject()) overlay.OperationIds[k] = (string)v!;
            foreach (var (k, v) in root["relaxRequired"]?.AsObject() ?? new JsonObject())
                overlay.RelaxRequired[k] = v!.AsObject().ToDictionary(x => x.Key, x => (string)x.Value!);
            foreach (var (k, v) in root["alwaysWritten"]?.AsObject() ?? new JsonObject())
            {
                if (overlay.AlwaysWritten.ContainsKey(k)) throw new SpecGenException($"{name}: alwaysWritten lists schema {k} twice");
                overlay.AlwaysWritten[k] = (v!["fields"] ?? throw new SpecGenException($"{name}: alwaysWritten.{k} has no fields")).AsArray().Select(f => (string)f!).ToList();
            }
            foreach (var (k, v) in root["examples"]?.AsObject() ?? new JsonObject()) overlay.SchemaExamples[k] = v!;
        }
        return overlay;
    }
}
