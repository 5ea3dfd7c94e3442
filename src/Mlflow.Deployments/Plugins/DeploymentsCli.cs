namespace Mlflow.Deployments;

/// <summary>
/// A small command-line entry point mirroring <c>mlflow deployments help</c> and <c>mlflow deployments run-local</c>.
/// Call it from an application's <c>Main</c>: <c>return await DeploymentsCli.RunAsync(args);</c>.
/// </summary>
/// <remarks>
/// Commands: <c>help -t|--target &lt;target&gt;</c> prints the target's help; <c>targets</c> lists the registered
/// targets; <c>run-local -t &lt;target&gt; --name &lt;name&gt; -m|--model-uri &lt;uri&gt; [-f|--flavor &lt;flavor&gt;]
/// [-C|--config key=value]...</c> deploys locally through the plugin. Exit code 0 on success, 1 on a target error,
/// 2 on a usage error.
/// </remarks>
public static class DeploymentsCli
{
    /// <summary>Runs one command.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output (console when null).</param>
    /// <param name="error">Standard error (console when null).</param>
    /// <param name="registry">Registry to use (<see cref="DeploymentClients.Default"/> when null).</param>
    /// <param name="cancellationToken">Cancels run-local.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(
        string[] args, TextWriter? output = null, TextWriter? error = null, DeploymentTargetRegistry? registry = null,
        CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        registry ??= DeploymentClients.Default;
        if (args.Length == 0)
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var options = ParseOptions(args.Skip(1).ToArray(), out var config, out var problem);
        if (problem is not null)
        {
            await error.WriteLineAsync(problem + Environment.NewLine + Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            switch (args[0])
            {
                case "targets":
                    foreach (var name in registry.TargetNames)
                    {
                        await output.WriteLineAsync(name).ConfigureAwait(false);
                    }

                    return 0;
                case "help" when options.TryGetValue("target", out var target):
                    await output.WriteLineAsync(registry.TargetHelp(target)).ConfigureAwait(false);
                    return 0;
                case "run-local" when options.TryGetValue("target", out var target)
                                      && options.TryGetValue("name", out var name)
                                      && options.TryGetValue("model-uri", out var modelUri):
                    await registry.RunLocalAsync(target, name, modelUri, options.GetValueOrDefault("flavor"), config, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"Deployed '{name}' locally with target '{target}'.").ConfigureAwait(false);
                    return 0;
                default:
                    await error.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 2;
            }
        }
        catch (DeploymentsException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private const string Usage =
        "usage: help -t <target> | targets | run-local -t <target> --name <name> -m <model-uri> [-f <flavor>] [-C key=value]...";

    private static Dictionary<string, string> ParseOptions(string[] args, out Dictionary<string, object?> config, out string? problem)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        config = new Dictionary<string, object?>(StringComparer.Ordinal);
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i] switch
            {
                "-t" or "--target" => "target",
                "--name" => "name",
                "-m" or "--model-uri" => "model-uri",
                "-f" or "--flavor" => "flavor",
                "-C" or "--config" => "config",
                _ => null,
            };
            if (key is null || i + 1 >= args.Length)
            {
                problem = key is null ? $"Unknown option '{args[i]}'." : $"Option '{args[i]}' needs a value.";
                return options;
            }

            var value = args[++i];
            if (key == "config")
            {
                var eq = value.IndexOf('=');
                if (eq <= 0)
                {
                    problem = $"Config '{value}' is not key=value.";
                    return options;
                }

                config[value[..eq]] = value[(eq + 1)..];
            }
            else
            {
                options[key] = value;
            }
        }

        return options;
    }
}
