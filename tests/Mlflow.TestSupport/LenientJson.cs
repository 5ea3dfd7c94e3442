using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.TestSupport;

/// <summary>
/// Reads the almost-JSON that Flask's jsonify writes for non-finite doubles (bare NaN, Infinity, -Infinity
/// tokens) by turning those tokens into the strings MLflow's proto routes use ("NaN", "Infinity", "-Infinity").
/// </summary>
public static class LenientJson
{
    /// <summary>Parses <paramref name="text"/>, or returns null when it is not JSON even with that allowance.</summary>
    public static JsonNode? Parse(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < text.Length) sb.Append(text[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') { inString = true; sb.Append(c); continue; }
            var token = Match(text, i, "-Infinity") ?? Match(text, i, "Infinity") ?? Match(text, i, "NaN");
            if (token is not null)
            {
                sb.Append('"').Append(token).Append('"');
                i += token.Length - 1;
                continue;
            }
            sb.Append(c);
        }
        try { return JsonNode.Parse(sb.ToString()); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string? Match(string text, int at, string token) =>
        string.CompareOrdinal(text, at, token, 0, token.Length) == 0 ? token : null;
}
