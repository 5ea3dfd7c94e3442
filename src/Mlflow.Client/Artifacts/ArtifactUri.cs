namespace Mlflow.Artifacts;

/// <summary>What an <see cref="ArtifactUri"/> points at.</summary>
public enum ArtifactUriKind
{
    /// <summary><c>runs:/&lt;run_id&gt;/&lt;path&gt;</c>: an artifact of a run, resolved through the tracking server.</summary>
    Run,
    /// <summary><c>models:/&lt;name&gt;/&lt;version|stage|latest&gt;</c> or <c>models:/&lt;name&gt;@&lt;alias&gt;</c>: a registered model version.</summary>
    RegisteredModel,
    /// <summary><c>models:/&lt;model_id&gt;</c>: a logged model (MLflow 3).</summary>
    LoggedModel,
    /// <summary><c>mlflow-artifacts:/...</c>: the tracking server's artifact proxy.</summary>
    MlflowArtifacts,
    /// <summary><c>http(s)://.../api/2.0/mlflow-artifacts/artifacts/...</c>: an artifact proxy by URL.</summary>
    Http,
    /// <summary><c>file://</c> URIs and plain local paths.</summary>
    Local,
    /// <summary>A store's own scheme (<c>s3://</c>, <c>wasbs://</c>, <c>abfss://</c>, <c>gs://</c>, ...).</summary>
    Store,
}

/// <summary>
/// An artifact URI parsed as MLflow parses it: <c>runs:/&lt;run_id&gt;/path</c>, <c>models:/&lt;name&gt;/&lt;version&gt;</c>,
/// <c>models:/&lt;name&gt;/&lt;stage&gt;</c>, <c>models:/&lt;name&gt;/latest</c>, <c>models:/&lt;name&gt;@&lt;alias&gt;</c>,
/// <c>models:/&lt;model_id&gt;</c>, <c>mlflow-artifacts:/...</c>, a store URI (<c>s3://bucket/key</c>, ...),
/// <c>file:///...</c> or a local path. Paths inside <c>runs:/</c> and <c>models:/</c> URIs are taken literally (not
/// percent-decoded), as MLflow does. A string converts implicitly (parsing it, so a malformed URI throws
/// <see cref="FormatException"/>): <c>await mlflow.DownloadArtifactsAsync("runs:/abc/model")</c>.
/// </summary>
public sealed class ArtifactUri : IEquatable<ArtifactUri>
{
    private const string LatestSuffix = "latest";

    private ArtifactUri(string original, string scheme, ArtifactUriKind kind)
    {
        OriginalString = original;
        Scheme = scheme;
        Kind = kind;
    }

    /// <summary>The URI as given.</summary>
    public string OriginalString { get; }

    /// <summary>The scheme in lower case (<c>runs</c>, <c>models</c>, <c>s3</c>, ...); <c>file</c> for local paths.</summary>
    public string Scheme { get; }

    /// <summary>What the URI points at.</summary>
    public ArtifactUriKind Kind { get; }

    /// <summary>The run id of a <see cref="ArtifactUriKind.Run"/> URI.</summary>
    public string? RunId { get; private init; }

    /// <summary>The registered model name of a <see cref="ArtifactUriKind.RegisteredModel"/> URI.</summary>
    public string? ModelName { get; private init; }

    /// <summary>The version number (<c>models:/name/3</c>).</summary>
    public string? ModelVersion { get; private init; }

    /// <summary>The stage (<c>models:/name/Production</c>): the latest version in that stage.</summary>
    public string? ModelStage { get; private init; }

    /// <summary>The alias (<c>models:/name@champion</c>).</summary>
    public string? ModelAlias { get; private init; }

    /// <summary><see langword="true"/> for <c>models:/name/latest</c>: the latest version of any stage.</summary>
    public bool IsLatestModelVersion { get; private init; }

    /// <summary>The logged model id of a <see cref="ArtifactUriKind.LoggedModel"/> URI (<c>m-...</c>).</summary>
    public string? ModelId { get; private init; }

    /// <summary>
    /// The artifact path inside the run or model (<c>runs:/id/a/b</c> → <c>a/b</c>; <c>""</c> for the root). For other
    /// kinds it is <c>""</c>; the whole URI is the location.
    /// </summary>
    public string Path { get; private init; } = "";

    /// <summary>The local file system path of a <see cref="ArtifactUriKind.Local"/> URI.</summary>
    public string? LocalPath { get; private init; }

    /// <summary>Parses an artifact URI.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The parsed URI.</returns>
    /// <exception cref="FormatException">The URI is malformed; the message says which form was expected.</exception>
    public static ArtifactUri Parse(string uri)
    {
        if (TryParse(uri, out var result, out var error)) return result;
        throw new FormatException(error);
    }

    /// <summary>Parses an artifact URI, returning <see langword="false"/> instead of throwing.</summary>
    /// <param name="uri">The URI.</param>
    /// <param name="result">The parsed URI.</param>
    /// <returns>Whether the URI is well formed.</returns>
    public static bool TryParse(string? uri, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ArtifactUri? result) =>
        TryParse(uri, out result, out _);

    /// <summary>Parses a string (see <see cref="Parse"/>).</summary>
    /// <param name="uri">The URI.</param>
    /// <exception cref="FormatException">The URI is malformed.</exception>
    public static implicit operator ArtifactUri(string uri) => Parse(uri);

    /// <summary>The URI as given.</summary>
    /// <returns><see cref="OriginalString"/>.</returns>
    public override string ToString() => OriginalString;

    /// <inheritdoc />
    public bool Equals(ArtifactUri? other) => other is not null && string.Equals(OriginalString, other.OriginalString, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ArtifactUri other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(OriginalString);

    /// <summary>
    /// The scheme of <paramref name="uri"/> in lower case, or <see langword="null"/> for a plain path (a Windows drive
    /// letter such as <c>C:\data</c> is not a scheme).
    /// </summary>
    /// <param name="uri">A URI or path.</param>
    /// <returns>The scheme, or <see langword="null"/>.</returns>
    public static string? GetScheme(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return null;
        if (colon == 1 && char.IsAsciiLetter(uri[0])) return null; // C:\ or C:/
        if (!char.IsAsciiLetter(uri[0])) return null;
        for (var i = 1; i < colon; i++)
        {
            var c = uri[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.') return null;
        }

        return uri[..colon].ToLowerInvariant();
    }

    private static bool TryParse(string? uri, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ArtifactUri? result, out string error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            error = "An artifact URI must not be empty.";
            return false;
        }

        var scheme = GetScheme(uri);
        switch (scheme)
        {
            case null:
                result = new ArtifactUri(uri, "file", ArtifactUriKind.Local) { LocalPath = uri };
                error = "";
                return true;
            case "runs":
                return TryParseRuns(uri, out result, out error);
            case "models":
                return TryParseModels(uri, out result, out error);
            case "mlflow-artifacts":
                return TryParseProxy(uri, out result, out error);
            case "file":
                return TryParseFile(uri, out result, out error);
            case "http" or "https":
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var http) || string.IsNullOrEmpty(http.Host))
                {
                    error = $"Not a proper {scheme} URI: '{uri}'. Expected {scheme}://host[:port]/.../api/2.0/mlflow-artifacts/artifacts/<path>.";
                    return false;
                }

                result = new ArtifactUri(uri, scheme, ArtifactUriKind.Http);
                error = "";
                return true;
            default:
                result = new ArtifactUri(uri, scheme, ArtifactUriKind.Store);
                error = "";
                return true;
        }
    }

    private static bool TryParseRuns(string uri, out ArtifactUri? result, out string error)
    {
        result = null;
        const string form = "Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'.";
        var rest = uri["runs:".Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal) || !rest.StartsWith('/') || rest.Length == 1)
        {
            error = $"Not a proper runs:/ URI: '{uri}'. {form}";
            return false;
        }

        rest = rest[1..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var runId = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        if (runId.Length == 0 || runId.Any(char.IsWhiteSpace))
        {
            error = $"Not a proper runs:/ URI: '{uri}'. {form}";
            return false;
        }

        if (!TryArtifactPath(path, uri, out path, out error)) return false;
        result = new ArtifactUri(uri, "runs", ArtifactUriKind.Run) { RunId = runId, Path = path };
        return true;
    }

    private static bool TryParseModels(string uri, out ArtifactUri? result, out string error)
    {
        result = null;
        var form = $"Not a proper models:/ URI: '{uri}'. Models URIs must be of the form 'models:/<name>/<version, stage or 'latest'>[/path]', "
            + "'models:/<name>@<alias>[/path]' or 'models:/<model_id>'.";
        var rest = uri["models:".Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            error = form + " A profile or host in the URI (models://...) is not supported.";
            return false;
        }

        if (!rest.StartsWith('/') || rest.Trim('/').Length == 0)
        {
            error = form;
            return false;
        }

        var segments = rest[1..].TrimEnd('/').Split('/', 3);
        var first = segments[0];
        if (first.Trim().Length == 0)
        {
            error = form;
            return false;
        }

        if (first.Contains('@', StringComparison.Ordinal))
        {
            // MLflow splits a name@alias URI after its first segment; the rest is the artifact path.
            var at = first.LastIndexOf('@');
            var name = first[..at];
            var alias = first[(at + 1)..];
            if (name.Trim().Length == 0 || alias.Trim().Length == 0)
            {
                error = form;
                return false;
            }

            var aliasPath = string.Join('/', segments.Skip(1));
            if (!TryArtifactPath(aliasPath, uri, out aliasPath, out error)) return false;
            result = new ArtifactUri(uri, "models", ArtifactUriKind.RegisteredModel) { ModelName = name, ModelAlias = alias, Path = aliasPath };
            return true;
        }

        if (segments.Length == 1)
        {
            result = new ArtifactUri(uri, "models", ArtifactUriKind.LoggedModel) { ModelId = first };
            error = "";
            return true;
        }

        var suffix = segments[1];
        if (suffix.Trim().Length == 0)
        {
            error = form;
            return false;
        }

        var path = segments.Length > 2 ? segments[2] : "";
        if (!TryArtifactPath(path, uri, out path, out error)) return false;
        var parsed = new ArtifactUri(uri, "models", ArtifactUriKind.RegisteredModel)
        {
            ModelName = first,
            ModelVersion = suffix.All(char.IsAsciiDigit) ? suffix : null,
            IsLatestModelVersion = string.Equals(suffix, LatestSuffix, StringComparison.OrdinalIgnoreCase),
            ModelStage = !suffix.All(char.IsAsciiDigit) && !string.Equals(suffix, LatestSuffix, StringComparison.OrdinalIgnoreCase) ? suffix : null,
            Path = path,
        };
        result = parsed;
        return true;
    }

    private static bool TryParseProxy(string uri, out ArtifactUri? result, out string error)
    {
        result = null;
        var rest = uri["mlflow-artifacts:".Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authorityEnd = rest.IndexOf('/', 2);
            var authority = authorityEnd < 0 ? rest[2..] : rest[2..authorityEnd];
            if (authority.Length == 0 || authority.StartsWith(':') || !Uri.TryCreate("http://" + authority, UriKind.Absolute, out _))
            {
                error = $"Not a proper mlflow-artifacts URI: '{uri}'. Expected 'mlflow-artifacts:/<path>' or 'mlflow-artifacts://<host>[:<port>]/<path>' (a port needs a host).";
                return false;
            }
        }
        else if (!rest.StartsWith('/'))
        {
            error = $"Not a proper mlflow-artifacts URI: '{uri}'. Expected 'mlflow-artifacts:/<path>'.";
            return false;
        }

        result = new ArtifactUri(uri, "mlflow-artifacts", ArtifactUriKind.MlflowArtifacts);
        error = "";
        return true;
    }

    private static bool TryParseFile(string uri, out ArtifactUri? result, out string error)
    {
        result = null;
        var rest = uri["file:".Length..];
        string local;
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authorityEnd = rest.IndexOf('/', 2);
            var authority = authorityEnd < 0 ? rest[2..] : rest[2..authorityEnd];
            if (authority.Length > 0 && !authority.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                error = $"Not a supported file URI: '{uri}'. Only local files (file:///path or file://localhost/path) are supported.";
                return false;
            }

            local = authorityEnd < 0 ? "/" : rest[authorityEnd..];
        }
        else
        {
            local = rest;
        }

        if (local.Length == 0)
        {
            error = $"Not a proper file URI: '{uri}'. Expected file:///absolute/path.";
            return false;
        }

        local = Uri.UnescapeDataString(local);
        if (OperatingSystem.IsWindows() && local.Length >= 3 && local[0] == '/' && local[2] == ':') local = local[1..];
        result = new ArtifactUri(uri, "file", ArtifactUriKind.Local) { LocalPath = local };
        error = "";
        return true;
    }

    private static bool TryArtifactPath(string path, string uri, out string normalized, out string error)
    {
        normalized = "";
        error = "";
        if (path.Length == 0) return true;
        try
        {
            normalized = ArtifactPath.Normalize(path, nameof(uri), allowEmpty: true);
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"Invalid artifact URI '{uri}': {ex.Message.Replace($" (Parameter '{nameof(uri)}')", "", StringComparison.Ordinal)}";
            return false;
        }
    }
}
