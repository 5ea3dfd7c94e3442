using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>One difference between two specs.</summary>
internal sealed record SpecChange(string Kind, string Where, bool Breaking);

/// <summary>
/// Compares two specs at the level a client cares about: operations added or removed, parameters, request
/// fields and response fields added, removed or retyped. Removals, retypes and newly required inputs are breaking.
/// </summary>
internal static class SpecDiff
{
    public static List<SpecChange> Compare(JsonObject oldSpec, JsonObject newSpec)
    {
        var changes = new List<SpecChange>();
        var oldOps = Operations(oldSpec);
        var newOps = Operations(newSpec);
        foreach (var (key, _) in oldOps.Where(o => !newOps.ContainsKey(o.Key))) changes.Add(new("removed", "operation " + key, true));
        foreach (var (key, _) in newOps.Where(o => !oldOps.ContainsKey(o.Key))) changes.Add(new("added", "operation " + key, false));
        foreach (var (key, oldOp) in oldOps)
        {
            if (!newOps.TryGetValue(key, out var newOp)) continue;
            var oldParams = Params(oldOp);
            var newParams = Params(newOp);
            foreach (var p in oldParams.Keys.Except(newParams.Keys)) changes.Add(new("removed", $"{key} parameter {p}", true));
            foreach (var p in newParams.Keys.Except(oldParams.Keys)) changes.Add(new("added", $"{key} parameter {p}", newParams[p]));
        }
        var oldSchemas = oldSpec["components"]?["schemas"]?.AsObject() ?? new JsonObject();
        var newSchemas = newSpec["components"]?["schemas"]?.AsObject() ?? new JsonObject();
        foreach (var (name, oldSchema) in oldSchemas)
        {
            if (newSchemas[name] is not JsonObject newSchema) { changes.Add(new("removed", "schema " + name, true)); continue; }
            var oldProps = oldSchema!["properties"]?.AsObject() ?? new JsonObject();
            var newProps = newSchema["properties"]?.AsObject() ?? new JsonObject();
            foreach (var (prop, oldProp) in oldProps)
            {
                if (newProps[prop] is not JsonNode newProp) changes.Add(new("removed", $"schema {name}.{prop}", true));
                else if (!JsonNode.DeepEquals(TypeOf(oldProp), TypeOf(newProp))) changes.Add(new("retyped", $"schema {name}.{prop}", true));
            }
            foreach (var (prop, _) in newProps.Where(p => !oldProps.ContainsKey(p.Key))) changes.Add(new("added", $"schema {name}.{prop}", false));
            var oldReq = Required(oldSchema);
            foreach (var r in Required(newSchema).Except(oldReq)) changes.Add(new("required", $"schema {name}.{r}", true));
        }
        foreach (var (name, _) in newSchemas.Where(s => !oldSchemas.ContainsKey(s.Key))) changes.Add(new("added", "schema " + name, false));
        return changes;
    }

    private static Dictionary<string, JsonObject> Operations(JsonObject spec)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (path, item) in spec["paths"]?.AsObject() ?? new JsonObject())
            foreach (var (method, op) in item!.AsObject())
                result[method.ToUpperInvariant() + " " + path] = op!.AsObject();
        return result;
    }

    private static Dictionary<string, bool> Params(JsonObject op) =>
        (op["parameters"]?.AsArray() ?? new JsonArray()).Where(p => p?["name"] is not null)
            .GroupBy(p => (string)p!["in"]! + ":" + (string)p!["name"]!)
            .ToDictionary(g => g.Key, g => (bool?)g.First()!["required"] ?? false);

    private static JsonNode? TypeOf(JsonNode? schema) => schema?["$ref"] ?? schema?["type"];

    private static IEnumerable<string> Required(JsonNode? schema) =>
        (schema?["required"]?.AsArray() ?? new JsonArray()).Select(r => (string)r!);
}
