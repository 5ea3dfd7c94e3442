using System.Text.RegularExpressions;

namespace Mlflow.Testing.Server;

/// <summary>
/// MLflow's checks of names and values (after <c>mlflow/utils/validation.py</c>, written anew): the messages are
/// MLflow's, so that a test written against the embedded server sees what a real server would answer.
/// </summary>
internal static partial class Validation
{
    public const int MaxEntityKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxRunTagValueLength = 8000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxExperimentTagKeyLength = 250;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxRegistryTagKeyLength = 250;
    public const int MaxRegistryTagValueLength = 5000;
    public const int MaxAliasLength = 255;
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsTagsPerBatch = 100;
    public const int MaxEntitiesPerBatch = 1000;

    /// <summary>
    /// A metric, param or tag name: letters, digits, <c>_ - . /</c>, spaces and colons, and a path that normalises to
    /// itself (no <c>..</c>, no leading <c>/</c>, no <c>./</c> or doubled slashes). <paramref name="path"/> names the
    /// request field in the message (<c>key</c>, <c>name</c>, <c>metrics[3].name</c>).
    /// </summary>
    public static string Name(string? name, string path)
    {
        if (string.IsNullOrEmpty(name)) throw MlflowError.MissingParameter(path);
        if (!NameCharacters().IsMatch(name))
            throw MlflowError.InvalidParameter(InvalidValue(path, name, "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."));
        var normalized = NormalizePosix(name);
        if (normalized != name || normalized == "." || normalized.StartsWith("..", StringComparison.Ordinal) || normalized.StartsWith('/'))
            throw MlflowError.InvalidParameter(InvalidValue(path, name,
                $"Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to {PythonRepr(normalized)}"));
        return name;
    }

    /// <summary>A value with a length limit: an error (<c>'what' exceeds the maximum length of N characters</c>).</summary>
    public static string Length(string value, string what, int limit) =>
        value.Length > limit ? throw MlflowError.InvalidParameter($"'{what}' exceeds the maximum length of {limit} characters") : value;

    /// <summary>A value MLflow cuts to its limit instead of refusing (param values, run tag values).</summary>
    public static string Truncated(string value, int limit) => value.Length > limit ? value[..limit] : value;

    /// <summary>MLflow's <c>Invalid value &lt;json&gt; for parameter '&lt;path&gt;' supplied: &lt;why&gt;</c>.</summary>
    public static string InvalidValue(string path, string value, string why) => $"Invalid value {PythonJson(value)} for parameter '{path}' supplied: {why}";

    /// <summary>Python's <c>json.dumps</c> of a string (ASCII only, <c>\uXXXX</c> escapes).</summary>
    public static string PythonJson(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (ch < 0x20 || ch > 0x7e) text.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(ch);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>Python's <c>repr</c> of a string, for the common cases (single quotes unless the text has one).</summary>
    public static string PythonRepr(string value) =>
        value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal)
            ? "\"" + value + "\""
            : "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>Python's <c>repr</c> of a list of strings: <c>['a', 'b']</c>.</summary>
    public static string PythonList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(PythonRepr)) + "]";

    /// <summary><c>posixpath.normpath</c>: collapses <c>.</c>, <c>..</c> and repeated slashes.</summary>
    public static string NormalizePosix(string path)
    {
        if (path.Length == 0) return ".";
        // Without a slash only "." and ".." change (the common case: a plain metric name).
        if (!path.Contains('/', StringComparison.Ordinal)) return path;
        var leading = path.StartsWith('/') ? (path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal) ? 2 : 1) : 0;
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part != ".." || (leading == 0 && parts.Count == 0) || (parts.Count > 0 && parts[^1] == ".."))
                parts.Add(part);
            else if (parts.Count > 0)
                parts.RemoveAt(parts.Count - 1);
        }
        var joined = new string('/', leading) + string.Join('/', parts);
        return joined.Length == 0 ? "." : joined;
    }

    [GeneratedRegex(@"^[/\w.\- :]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameCharacters();
}
