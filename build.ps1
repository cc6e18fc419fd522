#!/usr/bin/env pwsh
# Restore, build, export openapi.yaml from the built service, and run every test.
# PowerShell comes with the repository as a local dotnet tool:
#   dotnet tool restore
#   dotnet pwsh ./build.ps1 [-Configuration Release] [-SkipTests]
param(
    [string] $Configuration = 'Release',
    [switch] $SkipTests
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Step([string] $Name, [scriptblock] $Command) {
    Write-Host "==> $Name"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Name failed (exit code $LASTEXITCODE)" }
}

Push-Location $PSScriptRoot
try {
    Invoke-Step 'dotnet tool restore' { dotnet tool restore }
    Invoke-Step 'restore' { dotnet restore Pipeline.Api.sln }
    Invoke-Step 'build' { dotnet build Pipeline.Api.sln -c $Configuration --no-restore }
    # The contract is produced from the code; the contract test fails when the committed file drifts from it.
    Invoke-Step 'export openapi.yaml' {
        dotnet swagger tofile --yaml --output openapi.yaml "src/Pipeline.Api/bin/$Configuration/net10.0/Pipeline.Api.dll" v1
    }
    Invoke-Step 'lint openapi.yaml (Spectral, Redocly)' {
        Push-Location tools/contract
        try { npm ci --no-fund --no-audit --loglevel=error; if ($LASTEXITCODE -eq 0) { npm run --silent lint } }
        finally { Pop-Location }
    }
    if (-not $SkipTests) {
        Invoke-Step 'test' { dotnet test Pipeline.Api.sln -c $Configuration --no-build --logger 'console;verbosity=normal' }
    }
}
finally {
    Pop-Location
}
