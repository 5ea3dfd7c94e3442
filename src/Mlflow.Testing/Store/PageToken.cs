using Mlflow.Testing.Server;

namespace Mlflow.Testing.Store;

/// <summary>MLflow's page tokens: base64 of the JSON text <c>{"offset": N}</c>.</summary>
internal static class PageToken
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    public static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(token);
        }
        catch (FormatException)
        {
            throw MlflowError.InvalidParameter("Invalid page token, could not base64-decode");
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.TryGetProperty("offset", out var offset) && offset.TryGetInt32(out var value) && value >= 0) return value;
        }
        catch (JsonException)
        {
        }
        throw MlflowError.InvalidParameter("Invalid page token, could not parse offset");
    }

    /// <summary>One page of <paramref name="items"/> and the token of the next (null on the last page).</summary>
    public static (List<T> Page, string? Next) Slice<T>(IEnumerable<T> items, string? token, int maxResults)
    {
        var offset = Decode(token);
        var all = items.Skip(offset).Take(maxResults + 1).ToList();
        var more = all.Count > maxResults;
        if (more) all.RemoveAt(all.Count - 1);
        return (all, more ? Encode(offset + maxResults) : null);
    }
}
