using System.Text;

namespace Mlflow.Artifacts;

/// <summary>
/// Artifact paths: relative, <c>/</c>-separated names inside an artifact root (<c>model/MLmodel</c>). Every path the
/// SDK sends goes through <see cref="Normalize"/> first, so a name that would be stored elsewhere or under another
/// name is refused before any byte leaves the process; <see cref="Encode"/> percent-encodes it one segment at a time
/// for URLs.
/// </summary>
public static class ArtifactPath
{
    /// <summary>
    /// Checks a relative artifact path and returns it in canonical form (no leading or trailing <c>/</c>).
    /// Refused, with an <see cref="ArgumentException"/> naming the parameter: absolute paths (<c>/a</c>, and
    /// <c>C:/a</c> on Windows), <c>.</c> and <c>..</c> segments, empty segments (<c>a//b</c>), backslashes, control characters.
    /// Everything else (spaces, <c>#</c>, <c>?</c>, <c>%</c>, <c>+</c>, quotes, any Unicode) is a legal name.
    /// </summary>
    /// <param name="path">The path to check.</param>
    /// <param name="parameterName">The caller's parameter name, used in the error.</param>
    /// <param name="allowEmpty"><see langword="true"/> when an empty path (the root) is allowed.</param>
    /// <param name="allowTrailingSlash"><see langword="true"/> for directory paths, where one trailing <c>/</c> is dropped.</param>
    /// <returns>The canonical path (<c>""</c> for the root).</returns>
    /// <exception cref="ArgumentException">The path is not a safe relative artifact path.</exception>
    public static string Normalize(string? path, string parameterName = "path", bool allowEmpty = false, bool allowTrailingSlash = true)
    {
        if (string.IsNullOrEmpty(path))
        {
            if (allowEmpty) return "";
            throw new ArgumentException("An artifact path must not be empty.", parameterName);
        }

        if (Problem(path, allowTrailingSlash) is { } problem)
        {
            throw new ArgumentException($"Invalid artifact path '{Printable(path)}': {problem}", parameterName);
        }

        return allowTrailingSlash && path.Length > 1 && path[^1] == '/' ? path[..^1] : path;
    }

    /// <summary>Returns <see langword="true"/> when <paramref name="path"/> passes <see cref="Normalize"/> (the root excluded).</summary>
    /// <param name="path">The path.</param>
    /// <returns>Whether it is a valid, non-empty artifact path.</returns>
    public static bool IsValid(string? path) => !string.IsNullOrEmpty(path) && Problem(path, allowTrailingSlash: false) is null;

    /// <summary>Joins canonical paths, skipping empty parts: <c>Combine("a", "", "b/c")</c> is <c>a/b/c</c>.</summary>
    /// <param name="parts">Canonical artifact paths.</param>
    /// <returns>The joined path.</returns>
    public static string Combine(params ReadOnlySpan<string?> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (string.IsNullOrEmpty(part)) continue;
            if (builder.Length > 0) builder.Append('/');
            builder.Append(part);
        }

        return builder.ToString();
    }

    /// <summary>The last segment of a canonical path (<c>a/b.txt</c> → <c>b.txt</c>).</summary>
    /// <param name="path">A canonical path.</param>
    /// <returns>The file name.</returns>
    public static string GetFileName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>Everything before the last segment of a canonical path (<c>a/b.txt</c> → <c>a</c>, <c>b.txt</c> → <c>""</c>).</summary>
    /// <param name="path">A canonical path.</param>
    /// <returns>The directory part.</returns>
    public static string GetDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>
    /// Percent-encodes a canonical path for a URL one segment at a time (RFC 3986 unreserved characters stay, every
    /// other byte of the UTF-8 form is escaped, <c>/</c> separates segments): <c>a b/#1.txt</c> → <c>a%20b/%231.txt</c>.
    /// </summary>
    /// <param name="path">A canonical path.</param>
    /// <returns>The encoded path.</returns>
    public static string Encode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return path;
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = Uri.EscapeDataString(segments[i]);
        return string.Join('/', segments);
    }

    /// <summary>
    /// Why MLflow's tracking server would not keep <paramref name="path"/> (the full path below the proxy root) as
    /// sent through its artifact proxy, or <see langword="null"/> when it would. MLflow (<c>validate_path_is_safe</c>)
    /// decodes a path until it stops changing and rebuilds it as a URL each time: it answers <c>Invalid path</c> for
    /// <c>#</c>, stores <c>pct%41.txt</c> as <c>pctA.txt</c>, drops a trailing <c>?</c> or <c>;</c>, and lower-cases
    /// a leading <c>Name:</c> it takes for a URL scheme.
    /// </summary>
    /// <param name="path">A canonical path.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public static string? ProxyProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stored = MlflowPathRules.Validate(path);
        if (stored is null)
        {
            return path.Contains('#', StringComparison.Ordinal)
                ? "MLflow's artifact proxy refuses '#' in artifact paths (it answers 'Invalid path')"
                : "MLflow's artifact proxy refuses this path (it answers 'Invalid path')";
        }

        if (stored != path)
        {
            return $"MLflow's artifact proxy would store it as '{stored}' (it decodes %XX sequences again and rebuilds the path as a URL)";
        }

        // Its directories must survive the same rule, or listing them later lists something else ('dir;' lists its parent).
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var directory = path[..slash];
            if (MlflowPathRules.Validate(directory) != directory)
            {
                return $"MLflow's artifact proxy would list the directory '{directory}' under another name";
            }
        }

        return null;
    }

    private static string? Problem(string path, bool allowTrailingSlash)
    {
        foreach (var c in path)
        {
            if (c < 0x20 || c == 0x7F) return "control characters are not allowed";
            if (c == '\\') return "use '/' to separate directories ('\\' is not allowed)";
        }

        if (path[0] == '/') return "absolute paths are not allowed; give a path relative to the artifact root";
        if (OperatingSystem.IsWindows() && path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':' && (path.Length == 2 || path[2] == '/'))
        {
            return "drive-qualified paths are not allowed; give a path relative to the artifact root";
        }

        var body = allowTrailingSlash && path.Length > 1 && path[^1] == '/' ? path.AsSpan(0, path.Length - 1) : path.AsSpan();
        foreach (var range in body.Split('/'))
        {
            var segment = body[range];
            if (segment.Length == 0) return "empty segments ('a//b' or a trailing '/') are not allowed";
            if (segment is "." or "..") return "'.' and '..' segments are not allowed";
        }

        return null;
    }

    private static string Printable(string path)
    {
        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c < 0x20 || c == 0x7F) builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }

        return builder.ToString();
    }
}
