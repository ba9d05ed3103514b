//! `bulletin archive 034` and `bulletin verify [034]`.

use anyhow::Result;

use super::{print_problems, show};
use crate::archive::{self, Request};
use crate::catalog;
use crate::config::Config;
use crate::diag::Problem;
use crate::pipeline::Pipeline;
use crate::project::{IssueId, Project};
use crate::say;

/// Archives the issue and says where the bag is.
pub fn archive(project: Project, issue: &str, config: Config, request: &Request) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    let mut pipeline = Pipeline::new(project, config)?;
    let archived = archive::archive(&mut pipeline, &dir, request)?;
    print_problems(&archived.warnings);
    say!(
        "已归档（PDF/A-2b，{} 页，{} 个文件）：\n  {}/",
        archived.pages,
        archived.files,
        show(&archived.bag)
    );
    if let Some(prior) = &archived.prior {
        say!("  旧版本保留为 {}/", show(prior));
    }
    say!("归档目录已更新：output/archive/index.md、output/archive/index.html");
    Ok(())
}

/// Re-hashes every bag (or one issue's) and reports missing, changed and extra files.
pub fn verify(project: &Project, issue: Option<&str>) -> Result<()> {
    let folder = match issue {
        None => None,
        Some(arg) => match arg.trim().parse::<u32>() {
            Ok(number) if (1..1000).contains(&number) => {
                Some(IssueId::of_number(number).folder().to_string())
            }
            _ => {
                return Err(Problem::error(format!("期号「{arg}」无效"))
                    .hint("写成 034 或 34 这样的数字；不写期号就检查全部归档。")
                    .into_error());
            }
        },
    };
    let bags = catalog::bags_to_verify(project, folder.as_deref());
    if bags.is_empty() {
        return match folder {
            Some(folder) => Err(Problem::error(format!(
                "第{folder}期还没有归档，output/archive/ 中找不到它"
            ))
            .hint(format!("先运行 bulletin archive {folder}。"))
            .into_error()),
            None => {
                say!("output/archive/ 中还没有任何归档，没有要检查的内容。");
                Ok(())
            }
        };
    }
    let mut failed = Vec::new();
    for bag in &bags {
        let at = show(&bag.path);
        let findings = match archive::verify(bag) {
            Ok(findings) => findings,
            Err(err) => {
                say!("{}（{at}）：无法检查", bag.name);
                eprintln!(
                    "{}",
                    crate::diag::render_error(&err, crate::diag::color_stderr())
                );
                failed.push(bag.name.clone());
                continue;
            }
        };
        if findings.is_clean() {
            say!("{}（{at}）：完好，{} 个文件", bag.name, findings.intact);
            continue;
        }
        let count = findings.missing.len() + findings.changed.len() + findings.extra.len();
        say!("{}（{at}）：发现 {count} 处问题", bag.name);
        for file in &findings.missing {
            say!("  缺少：{file}（清单中有，文件不见了）");
        }
        for file in &findings.changed {
            say!("  已改动：{file}（SHA-256 与清单不符）");
        }
        for file in &findings.extra {
            say!("  多出：{file}（不在清单中）");
        }
        failed.push(bag.name.clone());
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(Problem::error(format!("归档检查没有通过：{}有问题。", failed.join("、")))
        .hint("归档中的文件不应改动。从备份恢复缺少和改动的文件，把多出的文件移出 data/ 文件夹，再运行 bulletin verify 检查。")
        .into_error())
}
