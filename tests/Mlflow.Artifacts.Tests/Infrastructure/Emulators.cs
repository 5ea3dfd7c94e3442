using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Mlflow.TestSupport;

namespace Mlflow.Artifacts.Tests;

/// <summary>
/// An emulator process on a free loopback port, started by the tests and stopped with them. When it cannot start,
/// <see cref="Unavailable"/> says why and the store's tests are skipped with that reason.
/// </summary>
public abstract partial class EmulatorProcess : IAsyncLifetime
{
    private readonly StringBuilder output = new();
    private Process? process;

    /// <summary>Why the emulator is not running, or <see langword="null"/> when it is.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The emulator's port.</summary>
    public int Port { get; private set; }

    protected abstract string Name { get; }

    protected abstract Task<ProcessStartInfo?> PrepareAsync(int port, Func<string, Task<(int ExitCode, string Output)>> run);

    public async Task InitializeAsync()
    {
        try
        {
            for (var attempt = 1; attempt <= 3 && process is null; attempt++)
            {
                Port = FreePort();
                var start = await PrepareAsync(Port, RunAsync);
                if (start is null) return;
                start.RedirectStandardOutput = true;
                start.RedirectStandardError = true;
                start.UseShellExecute = false;
                var candidate = Process.Start(start)!;
                candidate.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
                candidate.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
                candidate.BeginOutputReadLine();
                candidate.BeginErrorReadLine();
                if (await WaitForPortAsync(candidate, Port, TimeSpan.FromSeconds(60)))
                {
                    process = candidate;
                    return;
                }

                Stop(candidate);
            }

            lock (output) Unavailable ??= $"{Name} did not start on 127.0.0.1 (3 attempts). Output:\n{output}";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            Unavailable = $"{Name} could not be started: {ex.Message}";
        }
    }

    public Task DisposeAsync()
    {
        if (process is not null) Stop(process);
        return Task.CompletedTask;
    }

    protected void SetUnavailable(string reason) => Unavailable = reason;

    private static void Stop(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        p.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> WaitForPortAsync(Process p, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) return false;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        return false;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string commandLine)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", commandLine])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}

/// <summary>moto's S3 server (<c>python3 -m moto.server</c>, the machine's Python).</summary>
public sealed class MotoServer : EmulatorProcess
{
    public const string AccessKey = "testing";
    public const string SecretKey = "testing";

    public string Endpoint => $"http://127.0.0.1:{Port}";

    protected override string Name => "moto_server";

    protected override async Task<ProcessStartInfo?> PrepareAsync(int port, Func<string, Task<(int ExitCode, string Output)>> run)
    {
        var check = await run("python3 -c 'import moto.server, flask' 2>&1");
        if (check.ExitCode != 0)
        {
            SetUnavailable($"moto_server is not installed on this machine's python3 ('import moto.server' failed: {check.Output.Trim()})");
            return null;
        }

        return new ProcessStartInfo("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            Environment = { ["AWS_ACCESS_KEY_ID"] = AccessKey, ["AWS_SECRET_ACCESS_KEY"] = SecretKey, ["PYTHONUNBUFFERED"] = "1" },
        };
    }
}

/// <summary>Azurite's blob service (npm package from <c>tools/azurite</c>, installed with <c>npm ci</c> when missing), in memory.</summary>
public sealed class AzuriteServer : EmulatorProcess
{
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{Port}/{Account};";

    protected override string Name => "Azurite";

    protected override async Task<ProcessStartInfo?> PrepareAsync(int port, Func<string, Task<(int ExitCode, string Output)>> run)
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "tools", "azurite");
        var main = Path.Combine(folder, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(main))
        {
            var install = await run($"cd '{folder}' && npm ci --no-audit --no-fund 2>&1");
            if (install.ExitCode != 0 || !File.Exists(main))
            {
                SetUnavailable($"Azurite could not be installed ('npm ci' in tools/azurite exited {install.ExitCode}): {install.Output.Trim()}");
                return null;
            }
        }

        return new ProcessStartInfo("node", [main, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose"])
        {
            WorkingDirectory = Path.GetTempPath(),
        };
    }
}

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "azurite";
}
