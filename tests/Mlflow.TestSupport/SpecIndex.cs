using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlflow.TestSupport;

/// <summary>An operation of the spec with the regular expression that matches its concrete paths.</summary>
public sealed record SpecOperation(string Method, string PathTemplate, string OperationId, JsonObject Operation, Regex PathPattern, int LiteralLength)
{
    /// <summary>True for operations also served under /ajax-api/.</summary>
    public bool AjaxMirror => (bool?)Operation["x-mlflow-ajax-mirror"] == true;

    /// <summary>The operation's parameters.</summary>
    public IEnumerable<JsonObject> Parameters => (Operation["parameters"]?.AsArray() ?? new JsonArray()).Select(p => p!.AsObject());
}

/// <summary>Finds the operation a concrete request belongs to.</summary>
public sealed class SpecIndex
{
    /// <summary>The parsed spec.</summary>
    public JsonObject Spec { get; }

    /// <summary>Every operation of the spec.</summary>
    public IReadOnlyList<SpecOperation> Operations { get; }

    /// <summary>Loads the spec the build reads.</summary>
    public static SpecIndex Load(string? path = null) => new(JsonNode.Parse(File.ReadAllText(path ?? TestPaths.Spec))!.AsObject());

    /// <summary>Indexes the given spec document.</summary>
    public SpecIndex(JsonObject spec)
    {
        Spec = spec;
        var ops = new List<SpecOperation>();
        foreach (var (path, item) in spec["paths"]!.AsObject())
        {
            foreach (var (method, opNode) in item!.AsObject())
            {
                var op = opNode!.AsObject();
                var slashy = (op["parameters"]?.AsArray() ?? new JsonArray())
                    .Where(p => (bool?)p!["x-mlflow-allow-slashes"] == true).Select(p => (string)p!["name"]!).ToHashSet();
                var pattern = "^" + Regex.Replace(path, @"\{([^}]+)\}|[^{]+", m =>
                    m.Groups[1].Success ? (slashy.Contains(m.Groups[1].Value) ? "(.+)" : "([^/]+)") : Regex.Escape(m.Value)) + "$";
                var literal = Regex.Replace(path, @"\{[^}]+\}", "").Length;
                ops.Add(new SpecOperation(method.ToUpperInvariant(), path, (string)op["operationId"]!, op, new Regex(pattern, RegexOptions.CultureInvariant), literal));
            }
        }
        Operations = ops;
    }

    /// <summary>
    /// The operations that match a method and concrete path, most specific first (more literal characters wins,
    /// as web routers do). /ajax-api/ paths also match /api/ operations that carry x-mlflow-ajax-mirror.
    /// </summary>
    public IReadOnlyList<SpecOperation> Match(string method, string path)
    {
        var direct = Operations.Where(o => o.Method == method && o.PathPattern.IsMatch(path)).ToList();
        if (direct.Count == 0 && path.StartsWith("/ajax-api/", StringComparison.Ordinal))
        {
            var api = "/api/" + path["/ajax-api/".Length..];
            direct = Operations.Where(o => o.Method == method && o.AjaxMirror && o.PathPattern.IsMatch(api)).ToList();
        }
        return direct.OrderByDescending(o => o.LiteralLength).ToList();
    }

    /// <summary>The single best operation for a request, or null when none or a tie.</summary>
    public SpecOperation? Resolve(string method, string path)
    {
        var matches = Match(method, path);
        if (matches.Count == 0) return null;
        if (matches.Count > 1 && matches[0].LiteralLength == matches[1].LiteralLength) return null;
        return matches[0];
    }
}
