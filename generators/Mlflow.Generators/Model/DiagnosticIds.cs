namespace Mlflow.Generators.Model
{
    /// <summary>The generator's diagnostic ids (prefix MLFG).</summary>
    internal static class DiagnosticIds
    {
        public const string InvalidJson = "MLFG001";
        public const string Unsupported = "MLFG002";
        public const string UnresolvedReference = "MLFG003";
        public const string InternalError = "MLFG004";
    }
}
