//! The one traversal of an issue: its steps in print order (article, numbered heading, block,
//! findings parts, article end), each with its level and the text fields it holds. Validation,
//! the warnings about Markdown and placeholders, glyph location, photo gathering and the view
//! builder all walk an issue this way, so a new field is seen by all of them or by none.

use super::*;

/// One step of an issue in print order.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// An article begins (`number` from 1).
    Article { number: usize, article: &'a Article },
    /// A numbered heading at `level` (1 = 一、 … 4 =（1）; deeper is an error), `number`-th of its
    /// siblings.
    Heading {
        level: usize,
        number: usize,
        section: &'a Section,
    },
    /// A paragraph, photo, photo row or table, inside a section of `level` (0 outside sections).
    Block { level: usize, block: &'a Block },
    /// The introduction to the strengths or to the problems of findings.
    Summary { level: usize, text: &'a Markdown },
    /// A numbered problem of findings, at `level`.
    Shortcoming {
        level: usize,
        number: usize,
        item: &'a Shortcoming,
    },
    /// An article ends (its 落款 and 附件 come here).
    ArticleEnd { article: &'a Article },
}

/// What a text field is, for messages and for the checks that apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Note,
    Heading,
    Paragraph,
    Caption,
    TableTitle,
    TableHeader,
    Cell,
    TableNote,
    Summary,
    ProblemTitle,
    ProblemText,
    Signature,
    Attachment,
    Editor,
    Reviewer,
}

impl Role {
    /// The field's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "文章标题",
            Role::Note => "编者按",
            Role::Heading => "小标题",
            Role::Paragraph => "段落",
            Role::Caption => "图片说明（caption）",
            Role::TableTitle => "表格标题",
            Role::TableHeader => "表头",
            Role::Cell => "单元格",
            Role::TableNote => "表格备注",
            Role::Summary => "检查情况的引言",
            Role::ProblemTitle => "问题标题",
            Role::ProblemText => "问题说明",
            Role::Signature => "落款",
            Role::Attachment => "附件名称",
            Role::Editor => "稿件编辑",
            Role::Reviewer => "审核",
        }
    }

    /// Whether an empty value is an error (it would print as nothing where something belongs).
    pub fn required(self) -> bool {
        matches!(
            self,
            Role::Title
                | Role::Heading
                | Role::Paragraph
                | Role::Caption
                | Role::ProblemTitle
                | Role::ProblemText
                | Role::Signature
                | Role::Attachment
        )
    }
}

/// A text field of an issue: plain text or Markdown, with its role.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    Plain(Role, &'a Plain),
    Markdown(Role, &'a Markdown),
}

impl<'a> Field<'a> {
    pub fn role(&self) -> Role {
        match self {
            Field::Plain(role, _) | Field::Markdown(role, _) => *role,
        }
    }

    pub fn text(&self) -> &'a Text {
        match self {
            Field::Plain(_, text) => &text.0,
            Field::Markdown(_, text) => &text.0,
        }
    }
}

/// The steps of `issue` in print order.
pub fn walk(issue: &Issue) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for (i, article) in issue.articles.iter().enumerate() {
        steps.push(Step::Article {
            number: i + 1,
            article,
        });
        blocks(&article.lead, 0, &mut steps);
        sections(&article.sections, 1, &mut steps);
        blocks(&article.closing, 0, &mut steps);
        steps.push(Step::ArticleEnd { article });
    }
    steps
}

fn sections<'a>(list: &'a [Section], level: usize, steps: &mut Vec<Step<'a>>) {
    for (i, section) in list.iter().enumerate() {
        steps.push(Step::Heading {
            level,
            number: i + 1,
            section,
        });
        blocks(&section.body, level, steps);
        sections(&section.sections, level + 1, steps);
    }
}

fn blocks<'a>(list: &'a [Block], level: usize, steps: &mut Vec<Step<'a>>) {
    for block in list {
        let BlockKind::Findings(findings) = &block.kind else {
            steps.push(Step::Block { level, block });
            continue;
        };
        // Strengths are the next level's subsections; problems are numbered two levels down
        // (under 三、 the reference issue prints 1. 2. 3.).
        if let Some(text) = &findings.summary {
            steps.push(Step::Summary { level, text });
        }
        sections(&findings.strengths, level + 1, steps);
        if let Some(text) = &findings.problems_summary {
            steps.push(Step::Summary { level, text });
        }
        let problem_level = (level + 2).min(4);
        for (i, item) in findings.problems.iter().enumerate() {
            steps.push(Step::Shortcoming {
                level: problem_level,
                number: i + 1,
                item,
            });
        }
    }
}

impl<'a> Step<'a> {
    /// The text fields of this step, in print order.
    pub fn fields(&self) -> Vec<Field<'a>> {
        let mut out = Vec::new();
        match *self {
            Step::Article { article, .. } => {
                out.push(Field::Plain(Role::Title, &article.title));
                out.extend(
                    article
                        .note
                        .as_ref()
                        .map(|n| Field::Markdown(Role::Note, n)),
                );
            }
            Step::Heading { section, .. } => {
                out.push(Field::Plain(Role::Heading, &section.heading))
            }
            Step::Block { block, .. } => match &block.kind {
                BlockKind::Text(text) => out.push(Field::Markdown(Role::Paragraph, text)),
                BlockKind::Photo(photo) => out.push(Field::Plain(Role::Caption, &photo.caption)),
                BlockKind::Photos(photos) => {
                    out.extend(
                        photos
                            .iter()
                            .map(|p| Field::Plain(Role::Caption, &p.caption)),
                    );
                }
                BlockKind::Table(table) => {
                    out.extend(
                        table
                            .title
                            .as_ref()
                            .map(|t| Field::Plain(Role::TableTitle, t)),
                    );
                    out.extend(
                        table
                            .header
                            .iter()
                            .map(|h| Field::Plain(Role::TableHeader, h)),
                    );
                    for row in &table.rows {
                        for cell in &row.cells {
                            match cell {
                                Cell::Text(text) => out.push(Field::Plain(Role::Cell, text)),
                                Cell::Items(items) => {
                                    out.extend(items.iter().map(|i| Field::Plain(Role::Cell, i)));
                                }
                            }
                        }
                    }
                    out.extend(
                        table
                            .note
                            .as_ref()
                            .map(|n| Field::Plain(Role::TableNote, n)),
                    );
                }
                BlockKind::Findings(_) => {}
            },
            Step::Summary { text, .. } => out.push(Field::Markdown(Role::Summary, text)),
            Step::Shortcoming { item, .. } => {
                out.push(Field::Plain(Role::ProblemTitle, &item.title));
                out.push(Field::Markdown(Role::ProblemText, &item.text));
            }
            Step::ArticleEnd { article } => {
                if let Some(signature) = &article.signature {
                    out.push(Field::Plain(Role::Signature, &signature.name));
                }
                out.extend(
                    article
                        .attachments
                        .iter()
                        .map(|a| Field::Plain(Role::Attachment, a)),
                );
            }
        }
        out
    }

    /// The photos this step prints.
    pub fn photos(&self) -> Vec<&'a Photo> {
        match self {
            Step::Block { block, .. } => match &block.kind {
                BlockKind::Photo(photo) => vec![photo],
                BlockKind::Photos(photos) => photos.iter().collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

impl Issue {
    /// Every text field of the issue in print order, the issue's own (editor, reviewer) first.
    pub fn fields(&self) -> Vec<Field<'_>> {
        let mut out: Vec<Field> = Vec::new();
        out.extend(self.editor.as_ref().map(|e| Field::Plain(Role::Editor, e)));
        out.extend(
            self.reviewer
                .as_ref()
                .map(|r| Field::Plain(Role::Reviewer, r)),
        );
        for step in walk(self) {
            out.extend(step.fields());
        }
        out
    }

    /// Every photo of the issue, in print order.
    pub fn photos(&self) -> Vec<&Photo> {
        walk(self).iter().flat_map(|step| step.photos()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};

    fn issue(text: &str) -> Issue {
        let file = SourceFile::new(FileId(1), "issue.yaml", text);
        let root = crate::yaml::parse(&file, &all_keys()).unwrap();
        decode_issue(&file, &root).unwrap()
    }

    #[test]
    fn the_walk_numbers_headings_by_level_and_findings_two_levels_down() {
        let issue = issue(
            "number: 1\ndate: 2022-01-01\narticles:\n  - title: 标题\n    sections:\n      - heading: 甲\n        sections:\n          - heading: 甲一\n      - heading: 乙\n        body:\n          - findings:\n              summary: 引言\n              strengths:\n                - heading: 好\n              problems:\n                - {title: 问题, text: 说明}\n",
        );
        let shown: Vec<String> = walk(&issue)
            .iter()
            .map(|step| match step {
                Step::Article { number, .. } => format!("article {number}"),
                Step::Heading {
                    level,
                    number,
                    section,
                } => {
                    format!("{level}.{number} {}", section.heading.text)
                }
                Step::Block { level, .. } => format!("block {level}"),
                Step::Summary { level, text } => format!("summary {level} {}", text.text),
                Step::Shortcoming { level, number, .. } => format!("problem {level}.{number}"),
                Step::ArticleEnd { .. } => "end".into(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "article 1",
                "1.1 甲",
                "2.1 甲一",
                "1.2 乙",
                "summary 1 引言",
                "2.1 好",
                "problem 3.1",
                "end"
            ]
        );
        let roles: Vec<Role> = issue.fields().iter().map(Field::role).collect();
        assert_eq!(
            roles,
            [
                Role::Title,
                Role::Heading,
                Role::Heading,
                Role::Heading,
                Role::Summary,
                Role::Heading,
                Role::ProblemTitle,
                Role::ProblemText
            ]
        );
    }
}
