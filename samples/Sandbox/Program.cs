using Sandbox;

return await SandboxRun.RunAsync(args);
