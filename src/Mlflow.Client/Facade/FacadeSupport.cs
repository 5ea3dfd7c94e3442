using Microsoft.Kiota.Abstractions;

namespace Mlflow;

/// <summary>What the generated facade methods share: path parameters, conversions, defaults and not-found rules.</summary>
internal static class FacadeSupport
{
    /// <summary>The path parameters of a request builder: <c>baseurl</c> plus each value under its URI-template variable.</summary>
    public static Dictionary<string, object> PathParameters(IRequestAdapter adapter, params (string Variable, string Value)[] values)
    {
        var parameters = new Dictionary<string, object>(values.Length + 1) { ["baseurl"] = adapter.BaseUrl ?? string.Empty };
        foreach (var (variable, value) in values) parameters[variable] = value;
        return parameters;
    }

    /// <summary>Now, in milliseconds since the Unix epoch (MLflow's timestamps).</summary>
    public static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A copy of the caller's items as the list the wire model holds.</summary>
    public static List<T> ToList<T>(IEnumerable<T> items) => [.. items];

    /// <summary>A copy of the caller's items as the array a query parameter holds.</summary>
    public static T[] ToArray<T>(IEnumerable<T> items) => [.. items];

    /// <summary>A copy of the caller's map as the dictionary the wire model holds.</summary>
    public static Dictionary<string, T> ToDictionary<T>(IReadOnlyDictionary<string, T> map) => map.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>Tags given as a dictionary (as Python takes them), as the wire's list of key/value messages.</summary>
    public static List<TTag> Tags<TTag>(IReadOnlyDictionary<string, string> tags, Func<string, string, TTag> create)
    {
        var list = new List<TTag>(tags.Count);
        foreach (var (key, value) in tags)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(tags));
            list.Add(create(key, value ?? throw new ArgumentException($"The value of tag '{key}' is null.", nameof(tags))));
        }
        return list;
    }

    /// <summary>A search filter with a clause the client always adds (<c>filter AND clause</c>, or the clause alone).</summary>
    public static string And(string? filter, string clause) =>
        string.IsNullOrWhiteSpace(filter) ? clause : filter + " AND " + clause; // MLflow filters only join with AND

    /// <summary>An empty token means "no more pages" on MLflow's wire.</summary>
    public static string? Token(string? token) => string.IsNullOrEmpty(token) ? null : token;

    /// <summary>The error for a 2xx answer without the body the operation promises.</summary>
    public static MlflowException NoAnswer(string operationId) =>
        new($"The server's answer to {operationId} has no body, but MLflow always sends one; check that the tracking URI points at an MLflow server.");

    /// <summary>
    /// True when the error means the resource does not exist: <c>RESOURCE_DOES_NOT_EXIST</c>, and, with
    /// <paramref name="unknownAlias"/>, MLflow's 400 <c>INVALID_PARAMETER_VALUE</c> "Registered model alias ... not found.".
    /// </summary>
    public static bool IsNotFound(MlflowException error, bool unknownAlias)
    {
        if (error is MlflowNotFoundException || error.ErrorCode == MlflowErrorCode.ResourceDoesNotExist) return true;
        return unknownAlias
            && error.ErrorCode == MlflowErrorCode.InvalidParameterValue
            && error.ServerMessage is { } message
            && message.Contains("alias", StringComparison.OrdinalIgnoreCase)
            && message.Contains("not found", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A text answer (health, version) as a string; an empty answer is an empty string.</summary>
    public static async Task<string> ReadTextAsync(Stream? body, CancellationToken cancellationToken)
    {
        if (body is null) return string.Empty;
        await using (body.ConfigureAwait(false))
        {
            using var reader = new StreamReader(body, System.Text.Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
