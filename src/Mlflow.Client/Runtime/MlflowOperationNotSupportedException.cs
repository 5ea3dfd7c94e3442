using System.Globalization;

namespace Mlflow;

/// <summary>
/// The server does not serve the operation that was called: it answered 404 the way MLflow answers a route it does
/// not have (<c>ENDPOINT_NOT_FOUND</c>, or the web framework's HTML or <c>{"detail": "Not Found"}</c> page), usually
/// because it runs an MLflow release older than the one that introduced the operation. The message names the
/// operation, the release that introduced it and, when the server told it (<c>GET /version</c>), the server's version:
/// <c>searchLoggedModels needs MLflow 3.0.0 or newer; the server runs 2.16.0</c>.
/// </summary>
/// <remarks>
/// Not an <see cref="MlflowNotFoundException"/>: a missing feature is not a missing resource, so
/// <c>OrNullIfNotFound()</c> does not turn it into <see langword="null"/>. Status, body and the other details of the
/// server's answer are kept as in every <see cref="MlflowException"/>.
/// </remarks>
public sealed class MlflowOperationNotSupportedException : MlflowException
{
    private readonly string _message;

    /// <summary>Creates the exception from the server's answer and what is known about the operation and the server.</summary>
    /// <param name="error">The parsed 404 answer.</param>
    /// <param name="operationId">The spec operationId of the call (<c>searchLoggedModels</c>).</param>
    /// <param name="requiredVersion">The first MLflow release that serves the operation, if known.</param>
    /// <param name="serverVersion">The server's version from <c>GET /version</c>, if it answered.</param>
    public MlflowOperationNotSupportedException(MlflowErrorDetails error, string operationId, string? requiredVersion, string? serverVersion)
        : base(error)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationId);
        OperationId = operationId;
        RequiredVersion = requiredVersion;
        ServerVersion = serverVersion;
        _message = Describe(operationId, requiredVersion, serverVersion) + " (" + error + ")";
    }

    /// <summary>The spec operationId of the call.</summary>
    public string OperationId { get; }

    /// <summary>The first MLflow release that serves the operation (the spec's <c>x-mlflow-since</c>), or null when unknown.</summary>
    public string? RequiredVersion { get; }

    /// <summary>The server's MLflow version as <c>GET /version</c> reported it, or null when it did not answer.</summary>
    public string? ServerVersion { get; }

    /// <inheritdoc />
    public override string Message => _message;

    /// <summary>The sentence that leads the message.</summary>
    internal static string Describe(string operationId, string? requiredVersion, string? serverVersion)
    {
        if (requiredVersion is null)
        {
            return serverVersion is null
                ? $"the server does not serve {operationId}"
                : $"the server (MLflow {serverVersion}) does not serve {operationId}";
        }

        if (serverVersion is null)
        {
            return $"{operationId} needs MLflow {requiredVersion} or newer; the server does not serve it and did not tell its version";
        }

        return MlflowVersions.Compare(serverVersion, requiredVersion) < 0
            ? $"{operationId} needs MLflow {requiredVersion} or newer; the server runs {serverVersion}"
            : $"the server runs MLflow {serverVersion}, which should serve {operationId} (MLflow {requiredVersion} or newer), but it answered that the route does not exist; a proxy or a server option (such as --app-name) may hide it";
    }
}

/// <summary>Orders MLflow version strings numerically (<c>2.9.0 &lt; 2.16.0 &lt; 3.0.0rc1 &lt;= 3.0.0</c>).</summary>
internal static class MlflowVersions
{
    /// <summary>Compares the numeric parts; a pre-release suffix (<c>rc1</c>, <c>.dev0</c>) does not count.</summary>
    public static int Compare(string a, string b)
    {
        var x = Parts(a);
        var y = Parts(b);
        for (var i = 0; i < Math.Max(x.Count, y.Count); i++)
        {
            var c = (i < x.Count ? x[i] : 0).CompareTo(i < y.Count ? y[i] : 0);
            if (c != 0) return c;
        }

        return 0;
    }

    private static List<int> Parts(string version)
    {
        var parts = new List<int>();
        foreach (var piece in version.Trim().Split('.'))
        {
            var digits = new string(piece.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0) break;
            parts.Add(int.Parse(digits, CultureInfo.InvariantCulture));
            if (digits.Length != piece.Length) break;
        }

        return parts;
    }
}
