using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Mlflow.Testing.Server;

/// <summary>
/// MLflow's proto JSON parser accepts lowerCamelCase field names as well as the proto's snake_case ones
/// (<c>maxResults</c> for <c>max_results</c>). The generated DTOs bind snake_case only, so JSON request bodies to the
/// API are rewritten first: a camelCase key becomes its snake_case twin unless that key is present too.
/// </summary>
internal sealed partial class CamelCaseRequestMiddleware(RequestDelegate next)
{
    private const int MaxRewrittenBody = 16 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (!HttpMethods.IsGet(request.Method)
            && (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/ajax-api/", StringComparison.Ordinal))
            && request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) == true
            && request.ContentLength is null or < MaxRewrittenBody)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            var bytes = buffer.ToArray();
            if (HasCamelKey(bytes))
            {
                try
                {
                    var node = JsonNode.Parse(bytes);
                    if (node is not null && Rewrite(node)) bytes = Encoding.UTF8.GetBytes(node.ToJsonString());
                }
                catch (JsonException)
                {
                    // Not JSON: left as it is; model binding reports it.
                }
            }
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
        }
        await next(context).ConfigureAwait(false);
    }

    private static bool Rewrite(JsonNode node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, _) in obj.ToList())
                {
                    var snake = Upper().Replace(key, m => "_" + m.Value.ToLowerInvariant());
                    if (snake != key && !obj.ContainsKey(snake))
                    {
                        var value = obj[key];
                        obj.Remove(key);
                        obj[snake] = value;
                        changed = true;
                    }
                }
                foreach (var (_, child) in obj.ToList())
                    if (child is not null) changed |= Rewrite(child);
                break;
            case JsonArray array:
                foreach (var child in array)
                    if (child is not null) changed |= Rewrite(child);
                break;
        }
        return changed;
    }

    /// <summary>
    /// Whether the text has a JSON key in lowerCamelCase (<c>"maxResults":</c>: a lowercase letter, letters and digits,
    /// an uppercase letter among them), scanned on the bytes: most requests have none and are passed on untouched.
    /// </summary>
    internal static bool HasCamelKey(ReadOnlySpan<byte> json)
    {
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != (byte)'"' || i + 1 >= json.Length || json[i + 1] is < (byte)'a' or > (byte)'z') continue;
            var j = i + 2;
            var upper = false;
            while (j < json.Length && (char.IsAsciiLetterOrDigit((char)json[j])))
            {
                upper |= char.IsAsciiLetterUpper((char)json[j]);
                j++;
            }
            if (!upper || j >= json.Length || json[j] != (byte)'"') continue;
            j++;
            while (j < json.Length && json[j] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') j++;
            if (j < json.Length && json[j] == (byte)':') return true;
        }
        return false;
    }

    [GeneratedRegex("(?<=[a-z0-9])[A-Z]")]
    private static partial Regex Upper();
}
