namespace Mlflow.Testing.Server;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it with its defaults (<c>", "</c> and <c>": "</c> separators, ASCII
/// only, <c>NaN</c>/<c>Infinity</c> bare): MLflow stores some values that way (a run's log-model history, a dataset's
/// tags, schema and profile, records), and clients compare the text.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(JsonNode? node, bool sortKeys = false)
    {
        var text = new StringBuilder();
        Write(text, node, sortKeys);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                var members = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, JsonNode?>>)obj;
                foreach (var (key, value) in members)
                {
                    if (!first) text.Append(", ");
                    first = false;
                    text.Append(Validation.PythonJson(key)).Append(": ");
                    Write(text, value, sortKeys);
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    Write(text, array[i], sortKeys);
                }
                text.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        text.Append(Validation.PythonJson(value.GetValue<string>()));
                        break;
                    case JsonValueKind.Number:
                        text.Append(PythonNumber(value.ToJsonString()));
                        break;
                    case JsonValueKind.True:
                        text.Append("true");
                        break;
                    case JsonValueKind.False:
                        text.Append("false");
                        break;
                    default:
                        text.Append("null");
                        break;
                }
                break;
        }
    }

    /// <summary>Integers as written; other numbers with Python's float repr (<c>1.0</c>, <c>0.1</c>, <c>1e+20</c>).</summary>
    private static string PythonNumber(string raw)
    {
        if (!raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase)) return raw;
        var d = double.Parse(raw, CultureInfo.InvariantCulture);
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            // .NET "1E+20" to Python "1e+20".
            var parts = r.Split('E');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return r.Contains('.', StringComparison.Ordinal) ? r : r + ".0";
    }
}
