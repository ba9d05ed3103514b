//! `bulletin archive 034` and `bulletin verify [034]`.

use std::collections::BTreeSet;

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
    super::tidy(&project);
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

/// Checks every bag (or one issue's) and the record of what was archived; prints each finding
/// in Chinese and fails (exit code 1) if there is any.
pub fn verify(project: &Project, issue: Option<&str>) -> Result<()> {
    let folder = match issue {
        None => None,
        Some(arg) => match arg.trim().parse::<u32>() {
            Ok(number) if (1..=crate::project::MAX_ISSUE).contains(&number) => {
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
    let mut failed = Vec::new();
    let witnesses = match catalog::Witnesses::load(project) {
        Ok(witnesses) => witnesses,
        Err(err) => {
            say!(
                "归档记录（output/archive/{}）：无法读取",
                catalog::RECORD_FILE
            );
            eprintln!(
                "{}",
                crate::diag::render_error(&err, crate::diag::color_stderr())
            );
            failed.push("归档记录".to_string());
            catalog::Witnesses::default()
        }
    };
    let ours = |issue: &str| folder.as_deref().is_none_or(|f| f == issue);
    let recorded = witnesses.records.iter().any(|r| ours(&r.issue));
    if bags.is_empty() && !recorded && failed.is_empty() {
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
    let mut accounted = BTreeSet::new();
    for bag in &bags {
        let at = show(&bag.path);
        let (checked, record) = match archive::verify(bag, &witnesses) {
            Ok(result) => result,
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
        accounted.extend(record);
        if checked.is_clean() {
            say!("{}（{at}）：完好，{} 个文件", bag.name, checked.intact);
            continue;
        }
        say!(
            "{}（{at}）：发现 {} 处问题",
            bag.name,
            checked.findings.len()
        );
        for finding in &checked.findings {
            say!("  {}", finding.describe());
        }
        failed.push(bag.name.clone());
    }
    // A record no bag accounts for: an archived bag that is gone (or was replaced).
    let lost: Vec<(usize, &catalog::Record)> = (witnesses.records.iter().enumerate())
        .filter(|(i, r)| ours(&r.issue) && !accounted.contains(i))
        .collect();
    if !lost.is_empty() {
        say!(
            "归档记录（output/archive/{}）：{} 个归档找不到",
            catalog::RECORD_FILE,
            lost.len()
        );
    }
    for (i, record) in lost {
        let latest = !witnesses.records[i + 1..]
            .iter()
            .any(|r| r.issue == record.issue);
        let name = catalog::bag_name(&record.issue);
        let which = if latest {
            name.clone()
        } else {
            format!("{name}的旧版本")
        };
        say!(
            "  缺少：{which}（{} 归档到 {}，PDF 的 SHA-256 为 {}；output/archive/ 中找不到与它相符的归档文件夹）",
            record.archived_at,
            record.bag,
            record.sha256
        );
        if !failed.contains(&name) {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(Problem::error(format!("归档检查没有通过：{}有问题。", failed.join("、")))
        .hint("归档中的文件不应改动。从备份恢复缺少、改动和不是普通文件的文件（链接、管道等先删除），把多出的文件移出归档文件夹，再运行 bulletin verify 检查。")
        .into_error())
}
