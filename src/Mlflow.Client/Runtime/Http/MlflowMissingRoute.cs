using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mlflow.Client;

namespace Mlflow;

/// <summary>
/// Recognises a 404 that means "this server has no such route" for an operation of the spec, asks the server its
/// version (<c>GET /version</c>, once per server, 3 s, failures ignored) and turns the error into an
/// <see cref="MlflowOperationNotSupportedException"/> naming the operation, the release that introduced it and the
/// server's version.
/// </summary>
/// <remarks>
/// A route is missing when MLflow says so (JSON <c>error_code: ENDPOINT_NOT_FOUND</c>), or when the answer is the web
/// framework's own 404 (Flask's HTML page, FastAPI's <c>{"detail": "Not Found"}</c>) and the server reports a version
/// older than the operation's first release; other 404s (a run, a file or a gateway endpoint that does not exist,
/// a server that does not tell its version) are left as they are.
/// </remarks>
internal sealed class MlflowMissingRoute
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(3);
    private static readonly Lazy<IReadOnlyList<(MlflowOperation Operation, Regex Pattern, int Literal)>> Patterns = new(BuildPatterns);
    private readonly ConcurrentDictionary<string, string?> _versions = new(StringComparer.Ordinal);

    /// <summary>The error to throw for <paramref name="error"/>: the original, or the version-aware one.</summary>
    public async Task<MlflowException> RefineAsync(
        MlflowException error,
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        if (error.StatusCode != HttpStatusCode.NotFound || request.RequestUri is not { } uri) return error;
        var declared = SaysEndpointNotFound(error);
        if (!declared && !IsFrameworkNotFound(error)) return error;
        if (Find(request.Method.Method, uri.AbsolutePath) is not { } match) return error;

        var root = uri.GetLeftPart(UriPartial.Authority) + match.Prefix;
        var serverVersion = await ServerVersionAsync(root, send, cancellationToken).ConfigureAwait(false);
        var since = match.Operation.Since;
        if (!declared && (since is null || serverVersion is null || MlflowVersions.Compare(serverVersion, since) >= 0))
        {
            // The framework's 404 is also what a handler answers for a missing file or gateway endpoint: only a
            // server known to be older than the operation shows that the route itself is missing.
            return error;
        }

        var details = new MlflowErrorDetails
        {
            ErrorCode = error.ErrorCode,
            RawErrorCode = error.RawErrorCode,
            Message = error.ServerMessage,
            HasServerErrorCode = declared,
            StatusCode = error.StatusCode,
            Method = error.Method,
            RequestUri = error.RequestUri,
            ResponseBody = error.ResponseBody,
            ResponseContentType = error.ResponseContentType,
            ErrorJson = error.ErrorJson,
        };
        return new MlflowOperationNotSupportedException(details, match.Operation.OperationId, since, serverVersion);
    }

    private static bool SaysEndpointNotFound(MlflowException error) =>
        error.ErrorJson is { ValueKind: JsonValueKind.Object } json
        && json.TryGetProperty("error_code", out var code) && code.ValueKind == JsonValueKind.String
        && code.GetString() == "ENDPOINT_NOT_FOUND";

    private static bool IsFrameworkNotFound(MlflowException error)
    {
        if (error.ErrorJson is { ValueKind: JsonValueKind.Object } json)
        {
            return json.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString() == "Not Found";
        }

        return error.ResponseContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            && error.ResponseBody?.Contains("Not Found", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The operation whose path template the request path ends with (most literal characters wins), and the path before it.</summary>
    internal static (MlflowOperation Operation, string Prefix)? Find(string method, string path)
    {
        (MlflowOperation Operation, string Prefix)? best = null;
        var bestLiteral = -1;
        foreach (var (operation, pattern, literal) in Patterns.Value)
        {
            if (literal <= bestLiteral || !string.Equals(operation.HttpMethod, method, StringComparison.OrdinalIgnoreCase)) continue;
            var m = pattern.Match(path);
            if (!m.Success) continue;
            best = (operation, m.Groups["prefix"].Value.TrimEnd('/'));
            bestLiteral = literal;
        }

        return best;
    }

    private static IReadOnlyList<(MlflowOperation, Regex, int)> BuildPatterns()
    {
        var list = new List<(MlflowOperation, Regex, int)>();
        foreach (var op in MlflowOperations.All)
        {
            // Path values arrive percent-encoded, except slash-carrying ones (artifact paths): allow both.
            var body = Regex.Replace(op.PathTemplate, @"\{[^}]+\}|[^{]+", m => m.Value[0] == '{' ? "[^?#]+?" : Regex.Escape(m.Value));
            var literal = Regex.Replace(op.PathTemplate, @"\{[^}]+\}", "").Length;
            list.Add((op, new Regex("^(?<prefix>.*?)" + body + "$", RegexOptions.CultureInvariant | RegexOptions.Compiled), literal));
        }

        return list;
    }

    private async Task<string?> ServerVersionAsync(string root, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(root, out var known)) return known;
        string? version = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(VersionTimeout);
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, root + "/version");
            using var response = await send(probe, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var text = (await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)).Trim();
                if (text.Length is > 0 and < 64 && Regex.IsMatch(text, @"^\d+(\.\d+)*[0-9A-Za-z.+-]*$")) version = text;
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer, a timeout or a failure: the version stays unknown (and is asked again next time).
        }

        if (version is not null) _versions[root] = version;
        return version;
    }
}
